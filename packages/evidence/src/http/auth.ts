import type { Hash } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import { bytesToHex, utf8 } from '../encoding.js';

export type Scope = 'evidence:read' | 'evidence:verify' | 'artifacts:read';

export const ALL_SCOPES: readonly Scope[] = ['evidence:read', 'evidence:verify', 'artifacts:read'];

/** Who a bearer token speaks for. */
export interface Principal {
  readonly tenant_id: string;
  readonly scopes: readonly Scope[];
}

export type Authenticate = (token: string) => Principal | undefined | Promise<Principal | undefined>;

/**
 * Bearer tokens from a fixed table. Tokens are kept only as SHA-256 digests
 * and looked up by digest, so comparison time says nothing about a token's
 * prefix.
 */
export function staticTokens(
  tokens: Readonly<Record<string, Principal>>,
  hash: Hash = noble.hash('SHA-256'),
): Authenticate {
  const table = new Map<string, Principal>();
  for (const [token, p] of Object.entries(tokens)) table.set(bytesToHex(hash.digest(utf8(token))), p);
  return (token) => table.get(bytesToHex(hash.digest(utf8(token))));
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(request: Request): string | undefined {
  const h = request.headers.get('authorization');
  const m = h ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(h) : null;
  return m?.[1];
}
