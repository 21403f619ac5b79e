import type { Aead, CryptoSuite } from '@qsp/crypto-suite';
import { CloseReason, decodeFrame, encodeFrame, FrameType, HEADER_LENGTH } from '@qsp/wire';
import { describe, expect, it } from 'vitest';
import { isSessionError } from '../src/index.js';
import { closeOf, dataOf, handshake, MLKEM_AES, makePair, pump, text } from './helpers.js';

function established(limits = {}) {
  const p = handshake({ limits }, { limits });
  p.clientEvents.length = 0;
  p.serverEvents.length = 0;
  return p;
}

describe('record protection and the strict receive rule', () => {
  it('uses separate keys per direction: the same seq never gives the same ciphertext', () => {
    const p = established();
    p.client.send(text('same'));
    p.server.send(text('same'));
    const [c] = p.client.takeOutput();
    const [s] = p.server.takeOutput();
    expect(decodeFrame(c!).seq).toBe(decodeFrame(s!).seq);
    expect(Buffer.from(decodeFrame(c!).payload)).not.toEqual(Buffer.from(decodeFrame(s!).payload));
  });

  it('authenticates the header: any change to it closes the session', () => {
    const p = established();
    p.client.send(text('x'));
    const [f] = p.client.takeOutput();
    const dec = decodeFrame(f!);
    // APP_DATA relabelled as CLOSE: header is AAD, so the tag fails.
    p.server.receive(encodeFrame({ ...dec, type: FrameType.CLOSE, payload: dec.payload }), 0);
    expect(p.server.closeReason).toBe(CloseReason.AEAD_DECRYPT_FAILED);
    expect(dataOf(p.server.takeEvents())).toEqual([]);
  });

  it('closes on a replayed frame with SEQUENCE_MISMATCH and answers with an authenticated CLOSE', () => {
    const p = established();
    p.client.send(text('once'));
    const [f] = p.client.takeOutput();
    p.server.receive(f!, 0);
    p.server.receive(f!, 0);
    const events = p.server.takeEvents();
    expect(dataOf(events)).toEqual(['once']);
    expect(closeOf(events)).toMatchObject({ reason: CloseReason.SEQUENCE_MISMATCH, initiator: 'local' });
    for (const out of p.server.takeOutput()) p.client.receive(out, 0);
    expect(closeOf(p.client.takeEvents())).toMatchObject({
      reason: CloseReason.SEQUENCE_MISMATCH,
      initiator: 'peer',
    });
  });

  it('closes on a dropped frame (gap) and on reordering', () => {
    const p = established();
    p.client.send(text('a'));
    p.client.send(text('b'));
    const [, b] = p.client.takeOutput();
    p.server.receive(b!, 0);
    expect(p.server.closeReason).toBe(CloseReason.SEQUENCE_MISMATCH);
  });

  it('closes on a wrong epoch and on a wrong session id', () => {
    const p = established();
    p.client.send(text('a'));
    const [f] = p.client.takeOutput();
    const dec = decodeFrame(f!);
    p.server.receive(encodeFrame({ ...dec, epoch: 2, payload: dec.payload }), 0);
    expect(p.server.closeReason).toBe(CloseReason.EPOCH_MISMATCH);
    const q = established();
    q.client.send(text('a'));
    const [g] = q.client.takeOutput();
    const d2 = decodeFrame(g!);
    q.server.receive(encodeFrame({ ...d2, sessionId: d2.sessionId ^ 1n, payload: d2.payload }), 0);
    expect(q.server.closeReason).toBe(CloseReason.PROTOCOL_ERROR);
  });

  it('closes on a flipped payload bit and after close processes nothing', () => {
    const p = established();
    p.client.send(text('a'));
    p.client.send(text('b'));
    const [a, b] = p.client.takeOutput();
    a![HEADER_LENGTH]! ^= 0x80;
    p.server.receive(a!, 0);
    expect(p.server.closeReason).toBe(CloseReason.AEAD_DECRYPT_FAILED);
    p.server.takeEvents();
    p.server.takeOutput();
    p.server.receive(b!, 0);
    expect(p.server.takeEvents()).toEqual([]);
    expect(p.server.takeOutput()).toEqual([]);
  });

  it('closes on garbage framing with PROTOCOL_ERROR', () => {
    const p = established();
    p.server.receive(new Uint8Array(HEADER_LENGTH).fill(0xff), 0);
    expect(p.server.closeReason).toBe(CloseReason.PROTOCOL_ERROR);
  });

  it('accepts any chunking of the byte stream', () => {
    const p = established();
    for (let i = 0; i < 5; i++) p.client.send(text(`m${i}`));
    const all = Buffer.concat(p.client.takeOutput());
    for (let i = 0; i < all.length; i += 7) p.server.receive(all.subarray(i, i + 7), 0);
    expect(dataOf(p.server.takeEvents())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('splits writes longer than maxRecordSize', () => {
    const p = established({ maxRecordSize: 10 });
    p.client.send(new Uint8Array(25));
    expect(p.client.takeOutput()).toHaveLength(3);
  });

  it('fails a session that ends without CLOSE', () => {
    const p = established();
    p.server.receiveEnd(0);
    expect(p.server.closeReason).toBe(CloseReason.PROTOCOL_ERROR);
  });
});

describe('rekey', () => {
  it('keeps data flowing in both directions across an in-flight rekey', () => {
    const p = established();
    p.server.rekey();
    expect(p.server.state).toBe('rekey');
    p.server.send(text('s-old'));
    p.client.send(text('c-old'));
    const fromServer = p.server.takeOutput();
    const fromClient = p.client.takeOutput();
    for (const f of fromServer) p.client.receive(f, 0); // INIT, then s-old at epoch 1
    expect(p.client.sendEpoch).toBe(2);
    expect(p.client.receiveEpoch).toBe(1);
    p.client.send(text('c-new'));
    for (const f of fromClient) p.server.receive(f, 0);
    for (const f of p.client.takeOutput()) p.server.receive(f, 0); // ACK, c-new
    expect(p.server.sendEpoch).toBe(2);
    p.server.send(text('s-new'));
    for (const f of p.server.takeOutput()) p.client.receive(f, 0);
    expect(p.client.receiveEpoch).toBe(2);
    expect(dataOf(p.client.takeEvents())).toEqual(['s-old', 's-new']);
    expect(dataOf(p.server.takeEvents())).toEqual(['c-old', 'c-new']);
    expect(p.client.state).toBe('established');
  });

  it('refuses a second rekey in flight and any rekey from a client', () => {
    const p = established();
    p.server.rekey();
    expect(() => p.server.rekey()).toThrow(
      expect.objectContaining({ code: 'REKEY_IN_PROGRESS' }) as unknown as Error,
    );
  });

  it('rekeys automatically from the server on frame counts in either direction', () => {
    const p = established({ rekeyAfterFrames: 4, maxFramesPerKey: 8 });
    for (let i = 0; i < 20; i++) {
      p.client.send(text(`c${i}`));
      pump(p);
    }
    expect(p.server.sendEpoch).toBeGreaterThanOrEqual(4);
    expect(dataOf(p.serverEvents)).toHaveLength(20);
    expect(p.serverEvents.filter((e) => e.type === 'rekey').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses to send past the hard limit and closes with KEY_LIMIT_REACHED', () => {
    const p = established({ rekeyAfterFrames: 2, maxFramesPerKey: 3 });
    // The client cannot rekey on its own; without the server's INIT reaching it, it hits the wall.
    p.client.send(text('1'));
    p.client.send(text('2'));
    p.client.send(text('3'));
    try {
      p.client.send(text('4'));
      expect.unreachable();
    } catch (e) {
      expect(isSessionError(e, 'KEY_LIMIT_REACHED')).toBe(true);
    }
    expect(p.client.closeReason).toBe(CloseReason.KEY_LIMIT_REACHED);
    for (const f of p.client.takeOutput()) p.server.receive(f, 0);
    expect(closeOf(p.server.takeEvents())).toMatchObject({
      reason: CloseReason.KEY_LIMIT_REACHED,
      initiator: 'peer',
    });
  });

  it('closes when seq would run out', () => {
    const p = established({ maxSeq: 5 });
    p.client.send(text('1'));
    p.client.send(text('2'));
    p.client.send(text('3'));
    expect(() => p.client.send(text('4'))).toThrow(/hard limit/);
  });

  it('closes with REKEY_FAILED when the ACK does not come in time', () => {
    const p = established({ rekeyTimeoutMs: 100 });
    p.server.rekey(1_000);
    expect(p.server.timeout).toBe(1_100);
    p.server.handleTimeout(1_100);
    expect(p.server.closeReason).toBe(CloseReason.REKEY_FAILED);
  });

  it('validates limits at construction', () => {
    expect(() => established({ maxFramesPerKey: 2 ** 30 })).toThrow(/maxFramesPerKey/);
    expect(() => established({ rekeyAfterFrames: 10, maxFramesPerKey: 5 })).toThrow(/rekeyAfterFrames/);
  });
});

describe('protected frames are one buffer, sealed in place after the header', () => {
  // Deterministic sessions: the same `random` gives the same keys, so frames can be compared byte for byte.
  const fixedRandom = (n: number) => new Uint8Array(n).fill(0x42);
  const base = MLKEM_AES.aead;
  // An Aead written by hand, without the optional sealInto: the session falls back to seal and a copy.
  const handWritten: Aead = {
    id: base.id,
    keyLength: base.keyLength,
    nonceLength: base.nonceLength,
    tagLength: base.tagLength,
    seal: (key, nonce, pt, aad) => base.seal(key, nonce, pt, aad),
    open: (key, nonce, ct, aad) => base.open(key, nonce, ct, aad),
  };
  const withoutSealInto = Object.freeze({ ...MLKEM_AES, aead: handWritten });

  function established(suite: CryptoSuite) {
    const p = makePair({ suites: suite, random: fixedRandom }, { suites: suite, random: fixedRandom });
    pump(p);
    expect(p.server.state).toBe('established');
    return p;
  }

  it('sealInto frames equal the seal fallback byte for byte, one buffer per frame, and decode as header || seal', () => {
    const fast = established(MLKEM_AES);
    const slow = established(withoutSealInto);
    for (const size of [0, 1, 100, 16384]) {
      const data = new Uint8Array(size).map((_, i) => i & 0xff);
      fast.client.send(data, 0);
      slow.client.send(data, 0);
      const a = fast.client.takeOutput();
      const b = slow.client.takeOutput();
      expect(a).toHaveLength(1);
      expect(a).toEqual(b);
      const frame = decodeFrame(a[0]!);
      expect(frame.type).toBe(FrameType.APP_DATA);
      expect(frame.payload.length).toBe(size + 16);
      fast.server.receive(a[0]!, 0);
      const got = fast.server.takeEvents().flatMap((e) => (e.type === 'data' ? [e.data] : []));
      expect(new Uint8Array(Buffer.concat(got))).toEqual(data);
    }
  });

  it('vectoredOutput sends records of 4 KiB and more as header, ciphertext and tag: the same bytes', () => {
    const joined = established(MLKEM_AES);
    const p = makePair(
      { suites: MLKEM_AES, random: fixedRandom, vectoredOutput: true },
      { suites: MLKEM_AES, random: fixedRandom, vectoredOutput: true },
    );
    pump(p);
    for (const size of [0, 100, 4095, 4096, 70_000]) {
      const data = new Uint8Array(size).map((_, i) => (i * 13) & 0xff);
      joined.client.send(data, 0);
      p.client.send(data, 0);
      const one = joined.client.takeOutput();
      const parts = p.client.takeOutput();
      const records = Math.ceil(Math.max(size, 1) / p.client.limits.maxRecordSize);
      const vectored = size >= 4096;
      expect(parts).toHaveLength(vectored ? 3 * records : records);
      if (vectored)
        expect(parts.map((b) => b.length).slice(0, 3)).toEqual([
          HEADER_LENGTH,
          Math.min(size, p.client.limits.maxRecordSize),
          16,
        ]);
      expect(Buffer.concat(parts)).toEqual(Buffer.concat(one));
      // The peer takes the parts one by one, as a transport may deliver them.
      for (const b of parts) p.server.receive(b, 0);
      const got = p.server.takeEvents().flatMap((e) => (e.type === 'data' ? [e.data] : []));
      expect(Buffer.concat(got)).toEqual(Buffer.from(data));
    }
  });

  it('data opened in place by a hand-written suite survives the decoder reusing its assembly buffers', () => {
    // This Aead returns a view into the ciphertext it was given, which the session's decoder overwrites later.
    const inPlace: Aead = {
      ...handWritten,
      open: (key, nonce, ct, aad) => {
        const pt = base.open(key, nonce, ct, aad);
        ct.set(pt);
        return ct.subarray(0, pt.length);
      },
    };
    const suite = Object.freeze({ ...MLKEM_AES, aead: inPlace });
    const p = established(suite);
    const sent = [1, 2, 3, 4].map((k) => new Uint8Array(5000).fill(k));
    for (const d of sent) p.client.send(d, 0);
    const stream = Buffer.concat(p.client.takeOutput());
    // Cuts inside every frame: each push completes one assembled frame and starts the next.
    const got: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += 3001) {
      p.server.receive(stream.subarray(at, at + 3001), 0);
      for (const e of p.server.takeEvents()) if (e.type === 'data') got.push(e.data);
    }
    expect(got.map((d) => Buffer.from(d))).toEqual(sent.map((d) => Buffer.from(d)));
  });
});
