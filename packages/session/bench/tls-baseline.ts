// node:tls baselines (TLS 1.3, AES-256-GCM) over loopback TCP, with a
// throwaway self-signed P-256 certificate made by the openssl CLI.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';

export interface TlsMaterial {
  readonly key: Buffer;
  readonly cert: Buffer;
}

export function selfSignedCertificate(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'qsp-bench-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    execFileSync('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ]);
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TLS_OPTIONS = {
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  ciphersuites: 'TLS_AES_256_GCM_SHA384',
} as const;

export async function tlsServer(material: TlsMaterial, onSocket: (socket: tls.TLSSocket) => void) {
  const server = tls.createServer({ ...material, ...TLS_OPTIONS }, (socket) => {
    socket.setNoDelay(true);
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

export async function tlsConnect(material: TlsMaterial, port: number): Promise<tls.TLSSocket> {
  const socket = tls.connect({
    port,
    host: '127.0.0.1',
    ca: material.cert,
    servername: 'localhost',
    ...TLS_OPTIONS,
  });
  socket.setNoDelay(true);
  await once(socket, 'secureConnect');
  const cipher = socket.getCipher();
  if (cipher.name !== 'TLS_AES_256_GCM_SHA384' || socket.getProtocol() !== 'TLSv1.3') {
    throw new Error(`unexpected TLS parameters: ${socket.getProtocol()} ${cipher.name}`);
  }
  return socket;
}
