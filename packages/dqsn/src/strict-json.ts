// A strict JSON parser for untrusted request bodies. JSON.parse cannot be
// used: it keeps the last of duplicate keys, accepts lone surrogates, turns
// 1e400 into Infinity, loses integers beyond 2^53-1 silently, and recurses,
// so deep nesting costs stack before any limit applies. This parser is
// iterative (an explicit stack bounded by maxDepth) and refuses each of those
// with a stable reason code, before any caller sees an object.
import { REASON_CODES, type ReasonCode } from './reason-codes.js';
import type { JsonObject, JsonValue } from './types.js';

export interface StrictJsonLimits {
  /** Deepest nesting of objects and arrays; the outermost container is depth 1. */
  readonly maxDepth: number;
  /** Longest string or key, in UTF-16 code units after unescaping. */
  readonly maxStringLength: number;
}

export type StrictJsonResult =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly code: ReasonCode; readonly offset: number };

/** Keys that reach object prototypes in JavaScript consumers; refused at any depth. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// Thrown inside the parser only and always caught in parseStrictJson; a plain
// class (no stack capture) because rejection is the common path under attack.
class Rejection {
  constructor(
    readonly code: ReasonCode,
    readonly offset: number,
  ) {}
}

interface Frame {
  readonly container: JsonValue[] | JsonObject;
  readonly isArray: boolean;
  key: string;
}

const C_QUOTE = 0x22;
const C_BACKSLASH = 0x5c;
const C_COMMA = 0x2c;
const C_COLON = 0x3a;
const C_LBRACE = 0x7b;
const C_RBRACE = 0x7d;
const C_LBRACKET = 0x5b;
const C_RBRACKET = 0x5d;
const C_MINUS = 0x2d;
const C_ZERO = 0x30;
const C_NINE = 0x39;
const C_DOT = 0x2e;
const C_BOM = 0xfeff;

function isDigit(c: number): boolean {
  return c >= C_ZERO && c <= C_NINE;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

class Parser {
  private pos = 0;
  private readonly len: number;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly maxString: number,
  ) {
    this.len = text.length;
  }

  private fail(code: ReasonCode, at = this.pos): never {
    throw new Rejection(code, at);
  }

  private skipWs(): void {
    const t = this.text;
    let p = this.pos;
    while (p < this.len) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  parse(): JsonValue {
    // Raw lone surrogates can only arrive through a JS string input; a BOM is
    // not JSON whitespace (RFC 8259 §8.1 lets parsers ignore it; we do not).
    if (!this.text.isWellFormed()) this.fail(REASON_CODES.INVALID_ENCODING, 0);
    if (this.text.charCodeAt(0) === C_BOM) this.fail(REASON_CODES.INVALID_ENCODING, 0);
    const stack: Frame[] = [];
    let value: JsonValue;
    this.skipWs();
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === C_LBRACE) {
        if (stack.length >= this.maxDepth) this.fail(REASON_CODES.DEPTH_LIMIT);
        this.pos++;
        this.skipWs();
        const obj: JsonObject = {};
        if (this.text.charCodeAt(this.pos) === C_RBRACE) {
          this.pos++;
          value = obj;
        } else {
          stack.push({ container: obj, isArray: false, key: this.key(obj) });
          continue;
        }
      } else if (c === C_LBRACKET) {
        if (stack.length >= this.maxDepth) this.fail(REASON_CODES.DEPTH_LIMIT);
        this.pos++;
        this.skipWs();
        const arr: JsonValue[] = [];
        if (this.text.charCodeAt(this.pos) === C_RBRACKET) {
          this.pos++;
          value = arr;
        } else {
          stack.push({ container: arr, isArray: true, key: '' });
          continue;
        }
      } else if (c === C_QUOTE) {
        value = this.string();
      } else if (c === C_MINUS || isDigit(c)) {
        value = this.number();
      } else if (c === 0x74) {
        value = this.literal('true', true);
      } else if (c === 0x66) {
        value = this.literal('false', false);
      } else if (c === 0x6e) {
        value = this.literal('null', null);
      } else {
        this.notAValue();
      }

      // Attach the finished value to its parent, closing as many containers as end here.
      for (;;) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) {
          this.skipWs();
          if (this.pos !== this.len) this.fail(REASON_CODES.INVALID_REQUEST);
          return value;
        }
        this.skipWs();
        const d = this.text.charCodeAt(this.pos);
        if (frame.isArray) {
          (frame.container as JsonValue[]).push(value);
          if (d === C_COMMA) {
            this.pos++;
            this.skipWs();
            break;
          }
          if (d !== C_RBRACKET) this.fail(REASON_CODES.INVALID_REQUEST);
        } else {
          const obj = frame.container as JsonObject;
          obj[frame.key] = value;
          if (d === C_COMMA) {
            this.pos++;
            this.skipWs();
            frame.key = this.key(obj);
            break;
          }
          if (d !== C_RBRACE) this.fail(REASON_CODES.INVALID_REQUEST);
        }
        this.pos++;
        value = frame.container;
        stack.pop();
      }
    }
  }

  /** Reads `"key" :` and leaves the position at the value. */
  private key(obj: JsonObject): string {
    if (this.text.charCodeAt(this.pos) !== C_QUOTE) this.fail(REASON_CODES.INVALID_REQUEST);
    const at = this.pos;
    const k = this.string();
    if (FORBIDDEN_KEYS.has(k)) this.fail(REASON_CODES.FORBIDDEN_KEY, at);
    if (Object.hasOwn(obj, k)) this.fail(REASON_CODES.DUPLICATE_KEY, at);
    this.skipWs();
    if (this.text.charCodeAt(this.pos) !== C_COLON) this.fail(REASON_CODES.INVALID_REQUEST);
    this.pos++;
    this.skipWs();
    return k;
  }

  private string(): string {
    const t = this.text;
    const start = this.pos + 1;
    let p = start;
    // Fast path: no escapes, the string is a slice of the input.
    for (;;) {
      if (p >= this.len) this.fail(REASON_CODES.INVALID_REQUEST, p);
      const c = t.charCodeAt(p);
      if (c === C_QUOTE) {
        if (p - start > this.maxString) this.fail(REASON_CODES.STRING_TOO_LONG, start);
        this.pos = p + 1;
        return t.slice(start, p);
      }
      if (c === C_BACKSLASH) break;
      if (c < 0x20) this.fail(REASON_CODES.INVALID_REQUEST, p);
      p++;
    }
    let out = t.slice(start, p);
    let escapedSurrogate = false;
    for (;;) {
      if (p >= this.len) this.fail(REASON_CODES.INVALID_REQUEST, p);
      const c = t.charCodeAt(p);
      if (c === C_QUOTE) break;
      if (c < 0x20) this.fail(REASON_CODES.INVALID_REQUEST, p);
      if (c !== C_BACKSLASH) {
        let q = p + 1;
        while (q < this.len) {
          const d = t.charCodeAt(q);
          if (d === C_QUOTE || d === C_BACKSLASH || d < 0x20) break;
          q++;
        }
        out += t.slice(p, q);
        p = q;
        continue;
      }
      const e = t.charCodeAt(p + 1);
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          let code = 0;
          for (let i = 2; i < 6; i++) {
            const h = hexValue(t.charCodeAt(p + i));
            if (h < 0) this.fail(REASON_CODES.INVALID_REQUEST, p);
            code = (code << 4) | h;
          }
          if (code >= 0xd800 && code <= 0xdfff) escapedSurrogate = true;
          out += String.fromCharCode(code);
          p += 4;
          break;
        }
        default:
          this.fail(REASON_CODES.INVALID_REQUEST, p);
      }
      p += 2;
      if (out.length > this.maxString) this.fail(REASON_CODES.STRING_TOO_LONG, start);
    }
    this.pos = p + 1;
    if (out.length > this.maxString) this.fail(REASON_CODES.STRING_TOO_LONG, start);
    // "\ud800" alone, or a high surrogate escape not followed by a low one.
    if (escapedSurrogate && !out.isWellFormed()) this.fail(REASON_CODES.INVALID_ENCODING, start);
    return out;
  }

  private number(): number {
    const t = this.text;
    const start = this.pos;
    let p = start;
    let nonZeroDigit = false;
    if (t.charCodeAt(p) === C_MINUS) p++;
    let c = t.charCodeAt(p);
    if (c === C_ZERO) {
      p++;
    } else if (c > C_ZERO && c <= C_NINE) {
      nonZeroDigit = true;
      p++;
      while (isDigit(t.charCodeAt(p))) p++;
    } else if (t.startsWith('Infinity', p)) {
      this.fail(REASON_CODES.BAD_NUMBER, start);
    } else {
      this.fail(REASON_CODES.INVALID_REQUEST, p);
    }
    if (t.charCodeAt(p) === C_DOT) {
      p++;
      if (!isDigit(t.charCodeAt(p))) this.fail(REASON_CODES.INVALID_REQUEST, p);
      for (c = t.charCodeAt(p); isDigit(c); c = t.charCodeAt(++p)) {
        if (c !== C_ZERO) nonZeroDigit = true;
      }
    }
    c = t.charCodeAt(p);
    if (c === 0x65 || c === 0x45) {
      p++;
      c = t.charCodeAt(p);
      if (c === 0x2b || c === C_MINUS) p++;
      if (!isDigit(t.charCodeAt(p))) this.fail(REASON_CODES.INVALID_REQUEST, p);
      while (isDigit(t.charCodeAt(p))) p++;
    }
    const v = Number(t.slice(start, p));
    // Overflow (1e400), underflow of a non-zero literal (1e-400), and integers
    // beyond 2^53-1 all change the value the sender wrote: refuse, never round.
    if (!Number.isFinite(v)) this.fail(REASON_CODES.BAD_NUMBER, start);
    if (v === 0 && nonZeroDigit) this.fail(REASON_CODES.BAD_NUMBER, start);
    if (Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER)
      this.fail(REASON_CODES.BAD_NUMBER, start);
    this.pos = p;
    return v;
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(REASON_CODES.INVALID_REQUEST);
    this.pos += word.length;
    return value;
  }

  private notAValue(): never {
    // Python's json module (the reference's) accepts these; name them precisely.
    if (this.text.startsWith('NaN', this.pos) || this.text.startsWith('Infinity', this.pos)) {
      this.fail(REASON_CODES.BAD_NUMBER);
    }
    this.fail(REASON_CODES.INVALID_REQUEST);
  }
}

/**
 * Parses untrusted JSON text strictly. Never throws for any string: every
 * refusal is a result with the reason code of its cause and the offset where
 * it was found.
 */
export function parseStrictJson(text: string, limits: StrictJsonLimits): StrictJsonResult {
  try {
    return { ok: true, value: new Parser(text, limits.maxDepth, limits.maxStringLength).parse() };
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, code: e.code, offset: e.offset };
    throw e;
  }
}
