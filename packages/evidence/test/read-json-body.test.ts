import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../src/http/responses.js';

/** A JSON request whose body arrives `size` bytes per chunk. */
function trickled(bytes: Uint8Array, size: number): Request {
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + size));
      at += size;
    },
  });
  return new Request('http://evidence.test/', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    duplex: 'half',
  } as RequestInit);
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('readJsonBody', () => {
  it('parses a body trickled in one-byte chunks, multi-byte characters split across them', async () => {
    const bytes = enc(`{"note":"qubit ψ ⟩ 🧪"}${' '.repeat(200_000)}`);
    const result = await readJsonBody(trickled(bytes, 1), 1 << 20);
    expect(result).toEqual({ value: { note: 'qubit ψ ⟩ 🧪' } });
  });

  it('answers 400 for bytes that are not UTF-8, however they are split', async () => {
    for (const size of [1, 2, 64]) {
      const result = await readJsonBody(trickled(new Uint8Array([0x7b, 0x22, 0xc3, 0x22, 0x7d]), size), 1024);
      expect('response' in result && result.response.status).toBe(400);
    }
  });

  it('answers 413 once a chunked body passes the limit', async () => {
    const result = await readJsonBody(trickled(enc(`[${'1,'.repeat(5000)}1]`), 7), 4096);
    expect('response' in result && result.response.status).toBe(413);
  });
});
