// QSP echo server: `pnpm --filter @qsp/example-echo server [port]`.
// Prints "listening <port> <server public key hex>"; a client pins that key.
import { DEFAULT_SUITE_ID, getSuite } from '@qsp/crypto-suite';
import { closeReasonName } from '@qsp/session';
import { createServer } from '@qsp/session/node';

const suite = getSuite(DEFAULT_SUITE_ID);
// A real server loads its key pair from storage; a fresh one per run is enough here.
const identity = suite.signature.keygen();
const server = createServer({ suites: suite, identity }, (socket) => {
  const { sessionId, suite: negotiated } = socket.handshake!;
  console.error(`session ${sessionId.toString(16)} (${negotiated}) established`);
  socket.on('error', (error: Error & { reason?: number }) => {
    console.error(`session ${sessionId.toString(16)} failed: ${error.message}`);
  });
  socket.on('session-close', (event) => {
    console.error(
      `session ${sessionId.toString(16)} closed: ${closeReasonName(event.reason)} by ${event.initiator}`,
    );
  });
  socket.pipe(socket);
});
server.on('sessionError', (error: Error) => console.error(`handshake failed: ${error.message}`));
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening ${port} ${Buffer.from(identity.publicKey).toString('hex')}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
