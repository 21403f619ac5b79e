// Bearer tokens per tenant. The evidence API's own scopes plus `jobs:write`
// for the ingestion routes this server adds.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ALL_SCOPES, type Authenticate, type Principal, type Scope } from '@qsp/evidence/http';

export type ServerScope = Scope | 'jobs:write';

export const SERVER_SCOPES: readonly ServerScope[] = [...ALL_SCOPES, 'jobs:write'];

export interface TenantToken {
  readonly tenant_id: string;
  readonly scopes: readonly ServerScope[];
}

export interface ServerPrincipal {
  readonly tenant_id: string;
  readonly scopes: readonly ServerScope[];
}

export interface TokenTable {
  /** The principal a token speaks for, or undefined. */
  lookup(token: string): ServerPrincipal | undefined;
  /** The same table as the evidence handler's `authenticate` (its scopes only). */
  readonly authenticate: Authenticate;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// Long enough that guessing is hopeless; the charset is what a Bearer header allows.
const TOKEN = /^[A-Za-z0-9._~+/-]{16,512}=*$/;

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * Tokens are kept only as SHA-256 digests. A lookup compares the presented
 * token's digest against every entry in constant time, so neither timing nor
 * early exit says which prefix matched.
 */
export function tokenTable(tokens: Readonly<Record<string, TenantToken>>): TokenTable {
  const entries = Object.entries(tokens).map(([token, t]) => {
    if (!TOKEN.test(token)) {
      throw new Error(`a bearer token for ${t.tenant_id} must be 16-512 characters of [A-Za-z0-9._~+/-]`);
    }
    if (!TENANT.test(t.tenant_id)) throw new Error(`bad tenant id ${JSON.stringify(t.tenant_id)}`);
    for (const s of t.scopes) {
      if (!SERVER_SCOPES.includes(s)) throw new Error(`unknown scope ${JSON.stringify(s)}`);
    }
    return {
      digest: digest(token),
      principal: Object.freeze({ tenant_id: t.tenant_id, scopes: [...t.scopes] }),
    };
  });
  const lookup = (token: string): ServerPrincipal | undefined => {
    const d = digest(token);
    let found: ServerPrincipal | undefined;
    for (const e of entries) if (timingSafeEqual(d, e.digest)) found = e.principal;
    return found;
  };
  return {
    lookup,
    authenticate: (token) => {
      const p = lookup(token);
      if (!p) return undefined;
      const principal: Principal = {
        tenant_id: p.tenant_id,
        scopes: p.scopes.filter((s): s is Scope => s !== 'jobs:write'),
      };
      return principal;
    },
  };
}

/**
 * `EVIDENCE_TOKENS`: either `tenant_a=token1,tenant_b=token2` (every scope)
 * or a JSON object `{"<token>": {"tenant_id": "...", "scopes": [...]}}`.
 */
export function parseTokens(text: string): Record<string, TenantToken> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const value = JSON.parse(trimmed) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('EVIDENCE_TOKENS JSON must be an object');
    const out: Record<string, TenantToken> = {};
    for (const [token, t] of Object.entries(value as Record<string, unknown>)) {
      const v = t as Partial<TenantToken> | null;
      if (
        v === null ||
        typeof v !== 'object' ||
        typeof v.tenant_id !== 'string' ||
        !Array.isArray(v.scopes) ||
        !v.scopes.every((s) => typeof s === 'string')
      ) {
        throw new Error('each EVIDENCE_TOKENS entry is {"tenant_id": string, "scopes": string[]}');
      }
      out[token] = { tenant_id: v.tenant_id, scopes: v.scopes as ServerScope[] };
    }
    return out;
  }
  const out: Record<string, TenantToken> = {};
  for (const pair of trimmed.split(',').filter((p) => p.trim() !== '')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error('EVIDENCE_TOKENS entries are tenant=token');
    if (pair.slice(at + 1).trim() in out) throw new Error('EVIDENCE_TOKENS names one token twice');
    out[pair.slice(at + 1).trim()] = { tenant_id: pair.slice(0, at).trim(), scopes: SERVER_SCOPES };
  }
  return out;
}
