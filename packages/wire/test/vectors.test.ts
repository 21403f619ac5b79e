// Known answers written out by hand from the Stage155 layout (type u8, flags
// u8, session_id u64, epoch u32, seq u32, payload_len u32, all big-endian),
// not produced by this package's encoder.
import { describe, expect, it } from 'vitest';
import {
  CloseReason,
  decodeClose,
  decodeFrame,
  decodeRekey,
  encodeClose,
  encodeFrame,
  encodeHeader,
  encodeRekey,
  FrameType,
  HEADER_LENGTH,
  nonce,
  RekeyKind,
} from '../src/index.js';
import { fromHex, hex } from './arbitraries.js';

const vectors = [
  {
    name: 'APP_DATA "hi"',
    frame: {
      type: FrameType.APP_DATA,
      sessionId: 0x0102030405060708n,
      epoch: 1,
      seq: 7,
      payload: fromHex('6869'),
    },
    hex: '02 00 0102030405060708 00000001 00000007 00000002 6869',
  },
  {
    name: 'HANDSHAKE, empty payload, epoch 0 seq 0',
    frame: { type: FrameType.HANDSHAKE, sessionId: 0n, epoch: 0, seq: 0, payload: new Uint8Array() },
    hex: '01 00 0000000000000000 00000000 00000000 00000000',
  },
  {
    name: 'REKEY, all fields at their maximum',
    frame: {
      type: FrameType.REKEY,
      sessionId: 0xffff_ffff_ffff_ffffn,
      epoch: 0xffff_ffff,
      seq: 0xffff_ffff,
      payload: fromHex('00ff'),
    },
    hex: '03 00 ffffffffffffffff ffffffff ffffffff 00000002 00ff',
  },
  {
    name: 'CLOSE',
    frame: {
      type: FrameType.CLOSE,
      sessionId: 0xdeadbeefn,
      epoch: 3,
      seq: 0x10000,
      payload: fromHex('0000'),
    },
    hex: '04 00 00000000deadbeef 00000003 00010000 00000002 0000',
  },
] as const;

describe('frame known answers', () => {
  for (const v of vectors) {
    it(`encodes ${v.name}`, () => {
      expect(hex(encodeFrame(v.frame))).toBe(v.hex.replace(/ /g, ''));
    });
    it(`decodes ${v.name}`, () => {
      const decoded = decodeFrame(fromHex(v.hex));
      expect(decoded.type).toBe(v.frame.type);
      expect(decoded.sessionId).toBe(v.frame.sessionId);
      expect(decoded.epoch).toBe(v.frame.epoch);
      expect(decoded.seq).toBe(v.frame.seq);
      expect(hex(decoded.payload)).toBe(hex(v.frame.payload));
      expect(hex(decoded.header)).toBe(v.hex.replace(/ /g, '').slice(0, HEADER_LENGTH * 2));
    });
  }

  it('header alone matches the frame prefix', () => {
    const v = vectors[0];
    expect(hex(encodeHeader(v.frame, v.frame.payload.length))).toBe(v.hex.replace(/ /g, '').slice(0, 44));
  });
});

describe('nonce known answers', () => {
  it('is epoch(4) || seq(8), big-endian', () => {
    expect(hex(nonce(1, 1))).toBe('00000001' + '0000000000000001');
    expect(hex(nonce(0x01020304, 0xa0b0c0d0))).toBe('01020304' + '00000000a0b0c0d0');
    expect(hex(nonce(0xffff_ffff, 0xffff_ffff))).toBe('ffffffff' + '00000000ffffffff');
  });
});

describe('REKEY payload known answers', () => {
  const material = fromHex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
  it('INIT is "RK54" || 01 || new_epoch || material', () => {
    const bytes = encodeRekey({ kind: RekeyKind.INIT, newEpoch: 2, value: material });
    expect(hex(bytes)).toBe(`524b3534 01 00000002 ${hex(material)}`.replace(/ /g, ''));
    expect(decodeRekey(bytes)).toEqual({ kind: RekeyKind.INIT, newEpoch: 2, value: material });
  });
  it('ACK is "RK54" || 02 || new_epoch || confirm', () => {
    const bytes = fromHex(`524b3534 02 0000ffff ${hex(material)}`);
    expect(decodeRekey(bytes)).toEqual({ kind: RekeyKind.ACK, newEpoch: 0xffff, value: material });
  });
});

describe('CLOSE payload known answers', () => {
  it('is reason u16 || UTF-8 message', () => {
    const bytes = encodeClose({ reason: CloseReason.AEAD_DECRYPT_FAILED, message: 'bad tag ✗' });
    expect(hex(bytes)).toBe(`0014${hex(new TextEncoder().encode('bad tag ✗'))}`);
    expect(decodeClose(fromHex('0000'))).toEqual({ reason: CloseReason.NORMAL, message: '' });
    expect(decodeClose(fromHex('005a6f6f7073'))).toEqual({
      reason: CloseReason.INTERNAL_ERROR,
      message: 'oops',
    });
  });
});
