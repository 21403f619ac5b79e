// The receiving end of the cross-process bulk rows: a QSP or node:tls server
// in its own process (as a real peer is), counting plaintext bytes and telling
// the parent over IPC each time another `step` bytes have arrived.

import type { AddressInfo } from 'node:net';
import { getSuite } from '@qsp/crypto-suite';
import { auto } from '@qsp/crypto-suite/node';
import { createServer } from '../src/node.js';
import { type TlsMaterial, tlsServer } from './tls-baseline.js';

export interface ReceiverStart {
  readonly kind: 'qsp' | 'tls';
  readonly step: number;
  readonly suite: string;
  readonly seed: number;
  readonly material: { key: string; cert: string };
}

function counting(socket: NodeJS.ReadableStream, step: number): void {
  let received = 0;
  socket.on('data', (chunk: Uint8Array) => {
    const before = Math.floor(received / step);
    received += chunk.length;
    if (Math.floor(received / step) > before) process.send!({ received });
  });
}

process.once('message', async (start: ReceiverStart) => {
  if (start.kind === 'tls') {
    const material: TlsMaterial = {
      key: Buffer.from(start.material.key, 'base64'),
      cert: Buffer.from(start.material.cert, 'base64'),
    };
    const { port } = await tlsServer(material, (socket) => counting(socket, start.step));
    process.send!({ port });
    return;
  }
  const suite = getSuite(start.suite, auto);
  const identity = suite.signature.keygen(new Uint8Array(32).fill(start.seed));
  const server = createServer({ suites: suite, identity }, (socket) => counting(socket, start.step));
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
});
process.on('disconnect', () => process.exit(0));
