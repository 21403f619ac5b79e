// Reproduces, from a JSON text, the bytes Python writes for
//   json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
// where `value` is what Python's json.loads makes of that text. The Stage286
// reference tools embed a digest over exactly that form, so checking their
// contracts needs it byte for byte.
//
// JSON.stringify alone is not enough: Python keeps 1.0 a float and prints it
// "1.0" (JSON.parse makes it 1), prints floats with repr() rules (1e-05,
// 1e+16), keeps integers exact at any size, and sorts keys by code point
// where JavaScript sorts by UTF-16 unit. So the text is parsed with every
// number's source lexeme kept (lossless-json), and each number is printed the
// way Python would print the int or float that json.loads makes of it.
//
// Limits (reported by verify as such): NaN/Infinity literals, which Python
// accepts and JSON does not, fail to parse; a "__proto__" key cannot be kept
// by a JavaScript object and changes the result; a lone surrogate escape
// cannot have come from the reference, which writes UTF-8.
import { isLosslessNumber, type LosslessNumber, parse } from 'lossless-json';

/** Parses JSON text keeping number lexemes; throws SyntaxError on bad JSON or duplicate keys with different values. */
export function parsePreservingNumbers(text: string): unknown {
  return parse(text);
}

/** Python's repr() of a float, as json.dumps writes it (float.__repr__ with allow_nan). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument gives the shortest round-trip digits, as repr() does.
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exponent) + 1;
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** How Python prints the number json.loads makes of a JSON number lexeme. */
export function pythonNumber(lexeme: string): string {
  // Python's scanner: a fraction or exponent makes a float, otherwise an int of any size.
  if (/[.eE]/.test(lexeme)) return pythonFloatRepr(Number(lexeme));
  return BigInt(lexeme).toString();
}

function byCodePoint(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function write(value: unknown, indent: string, out: string[]): void {
  if (value === null) out.push('null');
  else if (value === true) out.push('true');
  else if (value === false) out.push('false');
  else if (typeof value === 'string') out.push(JSON.stringify(value));
  else if (isLosslessNumber(value)) out.push(pythonNumber((value as LosslessNumber).value));
  else if (typeof value === 'number') out.push(pythonFloatRepr(value));
  else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    const inner = `${indent}  `;
    out.push('[');
    value.forEach((item, i) => {
      out.push(i === 0 ? `\n${inner}` : `,\n${inner}`);
      write(item, inner, out);
    });
    out.push(`\n${indent}]`);
  } else if (typeof value === 'object') {
    const keys = Object.keys(value).sort(byCodePoint);
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    const inner = `${indent}  `;
    out.push('{');
    keys.forEach((key, i) => {
      out.push(i === 0 ? `\n${inner}` : `,\n${inner}`);
      out.push(`${JSON.stringify(key)}: `);
      write((value as Record<string, unknown>)[key], inner, out);
    });
    out.push(`\n${indent}}`);
  } else {
    throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

/** The text of json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n". */
export function pythonPrettyJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  out.push('\n');
  return out.join('');
}
