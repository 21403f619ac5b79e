import { REASON_CODES, type ReasonCode } from './reason-codes.js';

export type DecodedInput =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly code: ReasonCode };

// fatal: invalid UTF-8 is refused, not replaced; ignoreBOM: a BOM stays in the
// text so the parser can refuse it instead of it vanishing silently.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 length of a JS string, stopping as soon as it exceeds `cap`. Lone surrogates count 3 (U+FFFD). */
function utf8LengthUpTo(s: string, cap: number): number {
  let n = 0;
  for (let i = 0; i < s.length && n <= cap; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Applies the byte limit before anything else looks at the input, then gives
 * the text to parse. A string longer than the limit in UTF-16 units is
 * refused without scanning it (every unit is at least one UTF-8 byte).
 */
export function decodeInput(input: unknown, maxBytes: number): DecodedInput {
  if (typeof input === 'string') {
    if (input.length > maxBytes) return { ok: false, code: REASON_CODES.PAYLOAD_TOO_LARGE };
    if (input.length * 3 > maxBytes && utf8LengthUpTo(input, maxBytes) > maxBytes) {
      return { ok: false, code: REASON_CODES.PAYLOAD_TOO_LARGE };
    }
    return { ok: true, text: input };
  }
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes) return { ok: false, code: REASON_CODES.PAYLOAD_TOO_LARGE };
    try {
      return { ok: true, text: decoder.decode(input) };
    } catch {
      return { ok: false, code: REASON_CODES.INVALID_ENCODING };
    }
  }
  return { ok: false, code: REASON_CODES.INVALID_REQUEST };
}
