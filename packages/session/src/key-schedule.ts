import { type CryptoSuite, wipe } from '@qsp/crypto-suite';
import { nonce as wireNonce } from '@qsp/wire';
import { concat, Writer } from './bytes.js';
import { Label, REKEY_ACK_SUFFIX } from './protocol.js';

/**
 * IKM = u16 len || KEM shared secret || u16 len || QKD key (empty when no QKD
 * key is mixed in). Length prefixes keep the split unambiguous, so neither
 * input can be shifted into the other.
 */
export function inputKeyingMaterial(kemSecret: Uint8Array, qkdKey: Uint8Array | undefined): Uint8Array {
  const qkd = qkdKey ?? new Uint8Array(0);
  return new Writer().vec16(kemSecret).vec16(qkd).finish();
}

export interface HandshakeSecrets {
  readonly clientHandshake: Uint8Array;
  readonly serverHandshake: Uint8Array;
  /** Kept only until the application secrets are derived. */
  readonly master: Uint8Array;
}

export interface ApplicationSecrets {
  readonly client: Uint8Array;
  readonly server: Uint8Array;
}

function deriveSecret(suite: CryptoSuite, secret: Uint8Array, label: string, transcriptHash: Uint8Array) {
  return suite.kdf.expandLabel(secret, label, transcriptHash, suite.hash.outputLength);
}

/**
 * The TLS 1.3 schedule (RFC 8446 §7.1) without PSK: early secret from zeros,
 * handshake secret = Extract(Derive-Secret(early, "derived", ""), IKM), master
 * secret = Extract(Derive-Secret(handshake, "derived", ""), 0).
 * `helloHash` = H(ClientHello || ServerHello up to its signature).
 */
export function handshakeSecrets(
  suite: CryptoSuite,
  ikm: Uint8Array,
  helloHash: Uint8Array,
): HandshakeSecrets {
  const zeros = new Uint8Array(suite.hash.outputLength);
  const emptyHash = suite.hash.digest(new Uint8Array(0));
  const early = suite.kdf.extract(undefined, zeros);
  const derived1 = deriveSecret(suite, early, Label.derived, emptyHash);
  const handshake = suite.kdf.extract(derived1, ikm);
  const clientHandshake = deriveSecret(suite, handshake, Label.clientHandshake, helloHash);
  const serverHandshake = deriveSecret(suite, handshake, Label.serverHandshake, helloHash);
  const derived2 = deriveSecret(suite, handshake, Label.derived, emptyHash);
  const master = suite.kdf.extract(derived2, zeros);
  wipe(early, derived1, handshake, derived2);
  return { clientHandshake, serverHandshake, master };
}

/** `transcriptHash` = H(ClientHello || whole ServerHello). */
export function applicationSecrets(
  suite: CryptoSuite,
  master: Uint8Array,
  transcriptHash: Uint8Array,
): ApplicationSecrets {
  return {
    client: deriveSecret(suite, master, Label.clientApplication, transcriptHash),
    server: deriveSecret(suite, master, Label.serverApplication, transcriptHash),
  };
}

/** finished = HMAC(finished_key, transcript hash); HKDF-Extract(salt=key, ikm=data) is exactly HMAC(key, data). */
export function finishedMac(
  suite: CryptoSuite,
  handshakeSecret: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  const key = suite.kdf.expandLabel(
    handshakeSecret,
    Label.finished,
    new Uint8Array(0),
    suite.hash.outputLength,
  );
  const mac = suite.kdf.extract(key, transcriptHash);
  wipe(key);
  return mac;
}

/** Traffic key and IV of one direction in one epoch. */
export interface TrafficKeys {
  readonly epoch: number;
  readonly secret: Uint8Array;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

export function trafficKeys(suite: CryptoSuite, secret: Uint8Array, epoch: number): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    epoch,
    secret,
    key: suite.kdf.expandLabel(secret, Label.key, empty, suite.aead.keyLength),
    iv: suite.kdf.expandLabel(secret, Label.iv, empty, suite.aead.nonceLength),
  };
}

export function wipeTraffic(keys: TrafficKeys | undefined): void {
  if (keys) wipe(keys.secret, keys.key, keys.iv);
}

/**
 * Next-epoch secret, the TLS 1.3 KeyUpdate shape (§7.2) with the rekey
 * material and the new epoch as context:
 * secret' = Expand-Label(secret, "traffic upd", new_epoch u32 || material, Hash.length).
 */
export function nextTrafficSecret(
  suite: CryptoSuite,
  secret: Uint8Array,
  newEpoch: number,
  material: Uint8Array,
): Uint8Array {
  const context = new Uint8Array(4 + material.length);
  new DataView(context.buffer).setUint32(0, newEpoch);
  context.set(material, 4);
  return suite.kdf.expandLabel(secret, Label.trafficUpdate, context, suite.hash.outputLength);
}

/** Seed §7.2: confirm = H(material || "ack"), the first 32 bytes. */
export function rekeyConfirm(suite: CryptoSuite, material: Uint8Array): Uint8Array {
  return suite.hash.digest(concat(material, REKEY_ACK_SUFFIX)).slice(0, 32);
}

/** AEAD nonce = per-direction IV XOR wire nonce(epoch, seq) (TLS 1.3 §5.3). */
export function aeadNonce(iv: Uint8Array, epoch: number, seq: number): Uint8Array {
  const n = wireNonce(epoch, seq);
  for (let i = 0; i < n.length; i++) n[i] = n[i]! ^ iv[i]!;
  return n;
}
