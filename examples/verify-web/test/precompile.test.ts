// The page validates with ajv standalone code generated at build time (its
// CSP allows no eval). These tests hold that code to the packages' own
// runtime-compiled validators: same verdict and same errors on the real
// documents and on every one-step mutation of them.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contractSchema, schemaProblems } from '@qsp/contract';
import { bundleProblems, bundleSchema, jobSchema, keyRegistrySchema } from '@qsp/evidence';
import { Ajv2020 as RealAjv } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AJV_OPTIONS, precompiledModule } from '../build/ajv-precompile.js';
import { type BundleFixture, type ContractFixture, makeBundle, makeContract } from './fixtures.js';

type Validate = ((v: unknown) => boolean) & { errors?: unknown };
interface Shim {
  Ajv2020: new (
    options?: unknown,
  ) => { compile(s: unknown): Validate; getSchema(ref: string): Validate | undefined };
}

const SCHEMAS = [contractSchema, bundleSchema, jobSchema, keyRegistrySchema] as unknown as Record<
  string,
  unknown
>[];
let shim: Shim;
let bundle: BundleFixture;
let contract: ContractFixture;
let file: string;

beforeAll(async () => {
  // Written inside the package so its imports (ajv runtime, noble) resolve as in the page build.
  const dir = fileURLToPath(new URL('../node_modules/.cache/verify-web-test/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  file = join(dir, `precompiled-${process.pid}.mjs`);
  writeFileSync(file, precompiledModule(SCHEMAS));
  shim = (await import(/* @vite-ignore */ file)) as Shim;
  [bundle, contract] = await Promise.all([makeBundle(), makeContract()]);
});
afterAll(() => rmSync(file, { force: true }));

/** The document itself, and every variant with one member removed, nulled, retyped or one member added. */
function mutations(doc: unknown): unknown[] {
  const out: unknown[] = [doc, null, [], 'x', 1];
  const walk = (path: (string | number)[], value: unknown) => {
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      const edit = (fn: (parent: Record<string, unknown>, k: string) => void) => {
        const copy = structuredClone(doc) as Record<string, unknown>;
        let parent: Record<string, unknown> = copy;
        for (const p of path) parent = parent[p] as Record<string, unknown>;
        fn(parent, key);
        out.push(copy);
      };
      edit((p, k) => {
        if (Array.isArray(p)) p.splice(Number(k), 1);
        else delete p[k];
      });
      edit((p, k) => {
        p[k] = null;
      });
      edit((p, k) => {
        p[k] = typeof p[k] === 'string' ? 7 : 'seven';
      });
      walk([...path, Array.isArray(value) ? Number(key) : key], (value as Record<string, unknown>)[key]);
    }
    if (!Array.isArray(value)) {
      const copy = structuredClone(doc) as Record<string, unknown>;
      let parent: Record<string, unknown> = copy;
      for (const p of path) parent = parent[p] as Record<string, unknown>;
      parent.unexpected_member = true;
      out.push(copy);
    }
  };
  walk([], doc);
  return out;
}

describe('precompiled validators', () => {
  it('agree with ajv compiling the same schema at run time, verdict and errors, on every mutation', () => {
    const docs: [unknown, unknown][] = [
      [contractSchema, JSON.parse(new TextDecoder().decode(contract.bytes))],
      [bundleSchema, JSON.parse(new TextDecoder().decode(bundle.bytes))],
      [keyRegistrySchema, JSON.parse(bundle.registry)],
    ];
    let compared = 0;
    for (const [schema, doc] of docs) {
      const real = new RealAjv({ ...AJV_OPTIONS }).compile(schema as object);
      const pre = new shim.Ajv2020(AJV_OPTIONS).compile(schema);
      for (const m of mutations(doc)) {
        expect(pre(m)).toBe(real(m));
        expect(pre.errors ?? null).toEqual(real.errors ?? null);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it("give the packages' own verdicts (schemaProblems, bundleProblems)", () => {
    const contractCheck = new shim.Ajv2020().compile(contractSchema);
    for (const m of mutations(JSON.parse(new TextDecoder().decode(contract.bytes)))) {
      expect(contractCheck(m)).toBe(schemaProblems(m).length === 0);
    }
    const bundleCheck = new shim.Ajv2020().compile(bundleSchema);
    for (const m of mutations(JSON.parse(new TextDecoder().decode(bundle.bytes)))) {
      if (!bundleCheck(m)) expect(bundleProblems(m).length).toBeGreaterThan(0);
    }
  });

  it('serve $defs fragments through getSchema, as @qsp/contract asks for them', () => {
    const ajv = new shim.Ajv2020();
    ajv.compile(contractSchema);
    const id = (contractSchema as { $id: string }).$id;
    const input = ajv.getSchema(`${id}#/$defs/input_layer`);
    const doc = JSON.parse(new TextDecoder().decode(contract.bytes));
    expect(input?.(doc.input_layer)).toBe(true);
    expect(input?.({ ...doc.input_layer, session_id: 5 })).toBe(false);
    expect(ajv.getSchema(`${id}#/$defs/no_such_def`)).toBeUndefined();
  });

  it('refuse a schema they were not built from (fail closed, no silent pass)', () => {
    const changed = { ...(bundleSchema as object), title: 'changed' };
    expect(() => new shim.Ajv2020().compile(changed)).toThrow(/no precompiled validator/);
  });

  it('contain no eval', () => {
    expect(precompiledModule(SCHEMAS)).not.toMatch(/\bnew Function\b|\beval\(/);
  });
});
