/**
 * Pre-connection over TLS (issue 10): on an https origin the warm-up completes TCP + the TLS handshake and
 * hands the socket to the agent, so the first call after it opens no connection and does no handshake.
 * The https server here is a stand-in for Bitbucket (the mock speaks plain http); its certificate is
 * self-signed, made with openssl for this run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preconnect } from '../../lib/transport/preconnect';
import { httpRequest } from '../../lib/transport/http';

let server: https.Server;
let origin = '';
let ca = '';
const seen = { connections: 0, handshakes: 0, requests: 0 };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-preconnect-'));
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (_req, res) => {
      seen.requests++;
      res.end('{}');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  server.on('connection', () => seen.connections++);
  server.on('secureConnection', () => seen.handshakes++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('hands a socket that finished its TLS handshake to the agent, and the next call uses it', async () => {
  const agent = new https.Agent({ keepAlive: true, ca });
  preconnect([{ url: origin, sockets: 1 }], agent, 5000);
  while (seen.handshakes < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 25));
  expect(seen).toEqual({ connections: 1, handshakes: 1, requests: 0 });

  const response = await httpRequest({
    method: 'GET',
    url: `${origin}/2.0/user`,
    timeoutMs: 5000,
    maxBytes: 1000,
    agent,
  });
  expect(response.status).toBe(200);
  expect(seen).toEqual({ connections: 1, handshakes: 1, requests: 1 });
  agent.destroy();
});
