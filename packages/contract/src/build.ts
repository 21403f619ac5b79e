// build(): input + engine -> a fail-closed, digest-bound (optionally signed)
// contract and the bytes of its file and `.sha256` file. Nothing is written
// here; see fs.ts. The file is the RFC 8785 form of the contract plus "\n".
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { type Engine as CryptoEngine, noble } from '@qsp/crypto-suite';
import canonicalize from 'canonicalize';
import { canonicalPreimage, RFC8785_RULE } from './digest.js';
import { enforcementFor } from './enforcement.js';
import { type Engine, resolveTimeout, runEngine } from './engine.js';
import { ContractError } from './errors.js';
import { sha256Hex } from './hash.js';
import { keyId, SIGNING_CONTEXT, type Signer } from './keys.js';
import { MAX_DEPTH, valueTooDeep } from './limits.js';
import { describeErrors, inputValidator, schemaProblems } from './schema.js';
import { checkSpec, type ProductSpec } from './spec.js';
import type { Contract, InputLayer } from './types.js';
import { STAGE } from './version.js';

export const DEFAULT_FILE_NAME = 'qsp_product_contract.json';

export interface BuildOptions {
  /** How long the engine may take; default 5000 ms. A late engine is a reject with ENGINE_TIMEOUT. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The build's clock (generated_at and what engines see as now). */
  readonly now?: Date;
  /** File name written into the `.sha256` file; default qsp_product_contract.json. */
  readonly fileName?: string;
  /** exposure_layer.exposure_artifacts; default the contract file and its .sha256 file. */
  readonly exposureArtifacts?: readonly string[];
  /** Signs the contract's canonical bytes with ML-DSA. */
  readonly signer?: Signer;
  readonly crypto?: CryptoEngine;
}

export interface BuiltContract {
  readonly contract: Contract;
  /** The file's text: RFC 8785 canonical JSON plus "\n". */
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly fileName: string;
  /** The `.sha256` file's text, in `sha256sum` format: "<hex>  <fileName>\n". */
  readonly sha256File: string;
}

function snapshotInput(input: unknown): InputLayer {
  let text: string | undefined;
  try {
    // The input layer sits two levels below the contract's top.
    if (valueTooDeep(input, MAX_DEPTH - 1))
      throw new Error(`nests deeper than ${MAX_DEPTH - 1} levels, or is cyclic`);
    text = canonicalize(input);
  } catch (error) {
    throw new ContractError('INPUT_INVALID', `input is not JSON data: ${(error as Error).message}`);
  }
  if (text === undefined) throw new ContractError('INPUT_INVALID', 'input is not JSON data');
  const copy: unknown = JSON.parse(text);
  if (!inputValidator(copy)) {
    throw new ContractError(
      'INPUT_INVALID',
      `input layer: ${describeErrors(inputValidator.errors).join('; ')}`,
    );
  }
  const layer = copy as InputLayer;
  if (layer.policy.fail_closed_required !== true) {
    throw new ContractError(
      'INPUT_INVALID',
      'policy.fail_closed_required must be true: the product contract is fail-closed',
    );
  }
  return layer;
}

// A bare name: it goes into the sha256sum line and is joined to an output directory.
function checkFileName(fileName: string): void {
  if (
    typeof fileName !== 'string' ||
    fileName.length === 0 ||
    fileName === '.' ||
    fileName === '..' ||
    /[\r\n\\/\0]/.test(fileName)
  ) {
    throw new ContractError(
      'INVALID_OPTION',
      'file name must be a bare file name (no path separators or newlines)',
    );
  }
}

/** `sha256sum` line for a file's bytes. */
export function sha256Line(bytes: Uint8Array, fileName: string): string {
  checkFileName(fileName);
  return `${sha256Hex(bytes)}  ${fileName}\n`;
}

/**
 * Runs the engine on the input and returns the contract. Engine failures,
 * timeouts and invalid answers become `reject` contracts; only input that
 * cannot be put into a contract at all (or a spec this package does not
 * build) throws, with ContractError INPUT_INVALID / SPEC_UNSUPPORTED.
 */
export async function build(
  spec: ProductSpec,
  input: InputLayer,
  engine: Engine,
  options: BuildOptions = {},
): Promise<BuiltContract> {
  const version = checkSpec(spec);
  const timeoutMs = resolveTimeout(options.timeoutMs);
  const fileName = options.fileName ?? DEFAULT_FILE_NAME;
  checkFileName(fileName);
  const layer = snapshotInput(input);
  const now = options.now ?? new Date();
  const decision = await runEngine(engine, layer, {
    timeoutMs,
    now,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const contract: Contract = {
    stage: STAGE,
    spec_version: version,
    generated_at: now.toISOString(),
    input_layer: layer,
    decision_layer: decision,
    enforcement_layer: enforcementFor(decision.decision),
    exposure_layer: {
      public_status: decision.decision,
      exposure_artifacts: [...(options.exposureArtifacts ?? [fileName, `${fileName}.sha256`])],
      contract_sha256: '',
      digest_rule: RFC8785_RULE,
    },
  };
  const signer = options.signer;
  if (signer) {
    contract.exposure_layer.signature = {
      algorithm: signer.algorithm,
      key_id: keyId(signer.publicKey),
      public_key: bytesToHex(signer.publicKey),
      value: '',
    };
  }
  const preimage = utf8ToBytes(canonicalPreimage(contract));
  contract.exposure_layer.contract_sha256 = sha256Hex(preimage);
  if (signer && contract.exposure_layer.signature) {
    const crypto = options.crypto ?? noble;
    const sig = crypto
      .signature(signer.algorithm)
      .sign(preimage, signer.secretKey, { context: SIGNING_CONTEXT });
    contract.exposure_layer.signature.value = bytesToHex(sig);
  }
  const problems = schemaProblems(contract);
  if (problems.length > 0)
    throw new ContractError('INPUT_INVALID', `contract does not match its schema: ${problems.join('; ')}`);
  const text = `${canonicalize(contract)}\n`;
  const bytes = utf8ToBytes(text);
  return { contract, text, bytes, fileName, sha256File: sha256Line(bytes, fileName) };
}
