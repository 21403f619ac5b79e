// An app using @qsp/session the way it would use node:tls, as a user installs
// it: an echo server and a client over TCP on loopback, the server's ML-DSA
// key pinned, a QKD key from a BB84 source mixed in, a rekey mid-stream, and
// a client with the wrong pin refused. Runs against the published tarballs.
import { randomBytes } from 'node:crypto';
import { bb84KeySource, DEFAULT_SUITE_ID, getSuite } from '@qsp/crypto-suite';
import { closeReasonName } from '@qsp/session';
import { connect, createServer } from '@qsp/session/node';

const fail = (msg) => {
  throw new Error(`session-app: ${msg}`);
};
const suite = getSuite(DEFAULT_SUITE_ID);
const identity = suite.signature.keygen();
const qkd = bb84KeySource();

const closes = [];
const server = createServer({ suites: suite, identity, qkd: 'optional', keySource: qkd }, (socket) => {
  socket.on('session-close', (event) => closes.push(closeReasonName(event.reason)));
  socket.on('error', () => {});
  // Echo, and start one rekey (server-led) once 64 KiB have arrived.
  let seen = 0;
  socket.on('data', (chunk) => {
    seen += chunk.length;
    if (seen >= 64 * 1024 && seen - chunk.length < 64 * 1024) socket.rekey();
    socket.write(chunk);
  });
  socket.on('end', () => socket.end());
});
server.on('sessionError', () => {});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const { port } = server.address();

async function echo(serverKeys, payload) {
  const socket = connect({ host: '127.0.0.1', port, suites: suite, serverKeys, keySource: qkd });
  return await new Promise((resolve, reject) => {
    const parts = [];
    let received = 0;
    let handshake;
    const epochs = [];
    socket.once('secure', (hs) => {
      handshake = hs;
    });
    socket.on('rekey', (epoch) => epochs.push(epoch));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      parts.push(chunk);
      received += chunk.length;
      if (received >= payload.length) {
        socket.end();
        resolve({ echoed: Buffer.concat(parts), handshake, epochs });
      }
    });
    socket.write(payload);
  });
}

try {
  const payload = randomBytes(256 * 1024);
  const { echoed, handshake, epochs } = await echo([identity.publicKey], payload);
  if (epochs.length === 0) fail('the server-led rekey never reached the client');
  if (!echoed.equals(payload)) fail('the echo differs from what was sent');
  if (!handshake || handshake.suite !== suite.id) fail('no handshake event with the negotiated suite');

  // A client pinning another server's key must never reach application data.
  const stranger = suite.signature.keygen();
  const refused = await echo([stranger.publicKey], Buffer.from('secret')).then(
    () => undefined,
    (error) => error,
  );
  if (!refused) fail('a client with the wrong pinned key completed the handshake');
  console.log(
    `ok session app: 256 KiB echoed over ${handshake.suite}, rekeyed to epoch ${epochs.at(-1)}${handshake.qkdKeyId ? ` with QKD key ${handshake.qkdKeyId}` : ''}; wrong pin refused (${refused.code ?? refused.message})`,
  );
} finally {
  server.close();
}
