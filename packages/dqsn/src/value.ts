// The object API. A JavaScript value is not JSON: it can hold NaN, -0,
// undefined, getters, proxies, symbols, class instances, cycles and sparse
// arrays. It is copied once into plain data (each property read exactly
// once, so a getter or proxy cannot show the validator one value and the
// aggregator another), serialised, and sent down the same raw path as bytes.
import type { ResolvedConfig } from './config.js';
import { REASON_CODES, type ReasonCode } from './reason-codes.js';
import { FORBIDDEN_KEYS } from './strict-json.js';
import type { JsonObject, JsonValue } from './types.js';

export type Snapshot =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly code: ReasonCode };

class Refusal {
  constructor(readonly code: ReasonCode) {}
}

function refuse(code: ReasonCode): never {
  throw new Refusal(code);
}

interface Task {
  readonly source: object;
  readonly target: JsonValue[] | JsonObject;
  readonly depth: number;
}

/** Copies a JS value into plain JSON data within the configured limits, or names why it cannot. */
export function snapshotValue(value: unknown, config: ResolvedConfig): Snapshot {
  // A lower bound of the serialised size: past maxBytes the raw path would refuse anyway.
  let budget = config.maxBytes;
  const spend = (n: number) => {
    budget -= n;
    if (budget < 0) refuse(REASON_CODES.PAYLOAD_TOO_LARGE);
  };
  const tasks: Task[] = [];

  const leafOrContainer = (v: unknown, depth: number): JsonValue => {
    spend(1);
    switch (typeof v) {
      case 'string':
        if (v.length > budget) refuse(REASON_CODES.PAYLOAD_TOO_LARGE);
        if (!v.isWellFormed()) refuse(REASON_CODES.INVALID_ENCODING);
        if (v.length > config.maxStringLength) refuse(REASON_CODES.STRING_TOO_LONG);
        spend(v.length + 1);
        return v;
      case 'number':
        if (!Number.isFinite(v)) refuse(REASON_CODES.BAD_NUMBER);
        if (Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER) refuse(REASON_CODES.BAD_NUMBER);
        return v;
      case 'boolean':
        return v;
      case 'object': {
        if (v === null) return null;
        if (depth > config.maxDepth) refuse(REASON_CODES.DEPTH_LIMIT);
        const proto = Object.getPrototypeOf(v);
        if (Array.isArray(v)) {
          if (proto !== Array.prototype) refuse(REASON_CODES.INVALID_REQUEST);
          const target: JsonValue[] = [];
          tasks.push({ source: v, target, depth });
          return target;
        }
        if (proto !== Object.prototype && proto !== null) refuse(REASON_CODES.INVALID_REQUEST);
        const target: JsonObject = {};
        tasks.push({ source: v, target, depth });
        return target;
      }
      default:
        // undefined, bigint, symbol, function: no JSON form.
        return refuse(REASON_CODES.INVALID_REQUEST);
    }
  };

  try {
    const root = leafOrContainer(value, 1);
    for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
      const isArray = Array.isArray(task.target);
      // n elements need n-1 commas: a huge array is refused before its keys are listed.
      if (isArray) spend(Math.max(0, (task.source as unknown[]).length - 1));
      const keys = Reflect.ownKeys(task.source);
      if (isArray && keys.length !== (task.source as unknown[]).length + 1)
        refuse(REASON_CODES.INVALID_REQUEST);
      for (const key of keys) {
        if (typeof key === 'symbol') refuse(REASON_CODES.INVALID_REQUEST);
        if (isArray && key === 'length') continue;
        const desc = Reflect.getOwnPropertyDescriptor(task.source, key);
        if (desc === undefined || !('value' in desc) || desc.enumerable !== true)
          refuse(REASON_CODES.INVALID_REQUEST);
        if (isArray) {
          const index = Number(key);
          if (!Number.isInteger(index) || String(index) !== key) refuse(REASON_CODES.INVALID_REQUEST);
          (task.target as JsonValue[])[index] = leafOrContainer(desc.value, task.depth + 1);
        } else {
          if (FORBIDDEN_KEYS.has(key)) refuse(REASON_CODES.FORBIDDEN_KEY);
          if (!key.isWellFormed()) refuse(REASON_CODES.INVALID_ENCODING);
          if (key.length > config.maxStringLength) refuse(REASON_CODES.STRING_TOO_LONG);
          spend(key.length + 3);
          (task.target as JsonObject)[key] = leafOrContainer(desc.value, task.depth + 1);
        }
      }
    }
    return { ok: true, text: JSON.stringify(root) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code: e.code };
    // A proxy trap or an exotic object threw: the value is not data.
    return { ok: false, code: REASON_CODES.INVALID_REQUEST };
  }
}
