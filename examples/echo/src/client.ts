// QSP echo client: `pnpm --filter @qsp/example-echo client <port> <server public key hex> [message]`.
// Sends the message, prints the echo, closes with an authenticated CLOSE.
import { DEFAULT_SUITE_ID, getSuite } from '@qsp/crypto-suite';
import { connect } from '@qsp/session/node';

const [port, keyHex, message = 'hello over QSP'] = process.argv.slice(2);
if (!port || !keyHex) {
  console.error('usage: client.ts <port> <server public key hex> [message]');
  process.exit(2);
}
const socket = connect({
  host: '127.0.0.1',
  port: Number(port),
  suites: getSuite(DEFAULT_SUITE_ID),
  serverKeys: [Uint8Array.from(Buffer.from(keyHex, 'hex'))],
});
socket.on('error', (error: Error & { code?: string; reason?: number }) => {
  console.error(`failed: ${error.code ?? ''} ${error.message}`);
  process.exit(1);
});
socket.once('secure', (hs) =>
  console.error(`secure: session ${hs.sessionId.toString(16)}, suite ${hs.suite}`),
);
const expected = Buffer.byteLength(message);
const parts: Buffer[] = [];
let received = 0;
socket.on('data', (chunk: Buffer) => {
  parts.push(chunk);
  received += chunk.length;
  if (received >= expected) {
    console.log(Buffer.concat(parts).toString('utf8'));
    socket.end();
  }
});
socket.write(message);
