import { CloseReason } from '@qsp/wire';
import { describe, expect, it } from 'vitest';
import { closeOf, dataOf, handshake, pump, text, XWING_CHACHA } from './helpers.js';

describe('handshake, data, rekey, close', () => {
  it('establishes, carries data both ways, rekeys twice and closes', () => {
    const p = handshake();
    expect(p.client.state).toBe('established');
    expect(p.server.state).toBe('established');
    expect(p.client.sessionId).toBe(p.server.sessionId);
    p.client.send(text('hello'));
    p.server.send(text('world'));
    pump(p);
    expect(dataOf(p.serverEvents)).toEqual(['hello']);
    expect(dataOf(p.clientEvents)).toEqual(['world']);
    p.server.rekey();
    pump(p);
    p.server.rekey();
    pump(p);
    expect(p.client.sendEpoch).toBe(3);
    expect(p.server.sendEpoch).toBe(3);
    p.client.send(text('after'));
    pump(p);
    expect(dataOf(p.serverEvents)).toEqual(['hello', 'after']);
    p.client.close();
    pump(p);
    expect(closeOf(p.serverEvents)).toMatchObject({ reason: CloseReason.NORMAL, initiator: 'peer' });
    expect(p.server.state).toBe('closed');
  });

  it('works with the X-Wing hybrid', () => {
    const p = handshake({ suites: XWING_CHACHA }, { suites: XWING_CHACHA });
    expect(p.server.state).toBe('established');
  });
});
