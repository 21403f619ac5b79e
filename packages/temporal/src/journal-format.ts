import { crc32 } from 'node:zlib';
import { TemporalError } from './errors.js';

/**
 * Journal layout: an 8-byte magic, then frames. A frame is one group commit
 * (one write, one fsync): a 12-byte header — u32 BE payload length, u32 BE
 * CRC-32 of the payload, u32 BE CRC-32 of those first 8 bytes — and the
 * payload, a UTF-8 JSON array of entries. The header has its own CRC so a
 * damaged length field is recognised as damage, not read as a short file.
 */
export const MAGIC = new TextEncoder().encode('QSAFPJ01');
export const FRAME_HEADER = 12;
/** Largest frame payload; a group commit larger than this is split into several frames. */
export const MAX_FRAME = 1024 * 1024;

export type JournalEntry = { readonly put: unknown } | { readonly hwm: number };

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32(payload));
  view.setUint32(8, crc32(frame.subarray(0, 8)));
  frame.set(payload, FRAME_HEADER);
  return frame;
}

export interface ScanResult {
  readonly entries: JournalEntry[];
  /** Length of the valid prefix; anything after it is a torn tail to cut off. */
  readonly validLength: number;
}

type Frame =
  | { readonly ok: true; readonly end: number; readonly payload: Uint8Array }
  | { readonly ok: false; readonly headerOk: boolean; readonly end?: number };

function readFrame(image: Uint8Array, view: DataView, pos: number): Frame {
  if (image.length - pos < FRAME_HEADER) return { ok: false, headerOk: false };
  const length = view.getUint32(pos);
  const headerOk =
    crc32(image.subarray(pos, pos + 8)) === view.getUint32(pos + 8) && length > 0 && length <= MAX_FRAME;
  if (!headerOk) return { ok: false, headerOk: false };
  const end = pos + FRAME_HEADER + length;
  if (end > image.length) return { ok: false, headerOk: true };
  const payload = image.subarray(pos + FRAME_HEADER, end);
  if (crc32(payload) !== view.getUint32(pos + 4)) return { ok: false, headerOk: true, end };
  return { ok: true, end, payload };
}

/** Whether any complete, checksummed frame starts after `from`: if so, damage before it is not a torn tail. */
function laterFrameExists(image: Uint8Array, view: DataView, from: number): boolean {
  for (let p = from + 1; p + FRAME_HEADER <= image.length; p++) {
    if (readFrame(image, view, p).ok) return true;
  }
  return false;
}

/**
 * Reads a journal image. Damage that can only be the last, unacknowledged
 * write — an incomplete frame at the end, a frame whose payload fails its
 * CRC and reaches the end of the file, or an unreadable header with no
 * intact frame anywhere after it — ends the journal there. Any other damage
 * means an acknowledged write may be lost: JOURNAL_CORRUPT, and the caller
 * must not write.
 */
export function scanJournal(image: Uint8Array): ScanResult {
  if (image.length === 0) return { entries: [], validLength: 0 };
  if (image.length < MAGIC.length) {
    if (MAGIC.subarray(0, image.length).every((b, i) => image[i] === b))
      return { entries: [], validLength: 0 };
    throw new TemporalError('JOURNAL_CORRUPT', 'not a QSAFP journal');
  }
  if (!MAGIC.every((b, i) => image[i] === b))
    throw new TemporalError('JOURNAL_CORRUPT', 'not a QSAFP journal');
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries: JournalEntry[] = [];
  let pos = MAGIC.length;
  while (pos < image.length) {
    const frame = readFrame(image, view, pos);
    let parsed: unknown;
    if (frame.ok) {
      try {
        parsed = JSON.parse(decoder.decode(frame.payload));
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) {
        // The CRC matched, so these bytes are what was written: a writer bug, not a torn write.
        throw new TemporalError('JOURNAL_CORRUPT', `frame at offset ${pos} is not a JSON array`);
      }
      for (const entry of parsed) entries.push(entry as JournalEntry);
      pos = frame.end;
      continue;
    }
    if (frame.headerOk && (frame.end === undefined || frame.end === image.length)) break;
    if (!frame.headerOk && !laterFrameExists(image, view, pos)) break;
    throw new TemporalError('JOURNAL_CORRUPT', `damaged frame at offset ${pos} with intact data after it`);
  }
  return { entries, validLength: pos };
}
