/**
 * Pooled connections that died silently (a NAT or load balancer that lost its state, a failover: no FIN, no RST)
 * cost one call its timeout, not one call each: after the first call without an answer, the origin's idle and
 * pre-opened connections are closed and the next calls open new ones.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { preconnect } from '../../lib/transport/preconnect';
import { httpRequest, TransportError } from '../../lib/transport/http';

/** A TCP relay to `target` whose existing connections can be made to swallow everything, as a dead NAT entry does. */
async function startRelay(target: number): Promise<{ port: number; silence: () => void; close: () => Promise<void> }> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    const pair = { client, upstream, dead: false };
    pairs.add(pair);
    client.on('data', (chunk) => pair.dead || upstream.write(chunk));
    upstream.on('data', (chunk) => pair.dead || client.write(chunk));
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    silence: () => pairs.forEach((pair) => (pair.dead = true)),
    close: async () => {
      pairs.forEach((pair) => (pair.client.destroy(), pair.upstream.destroy()));
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

it('after one call times out on a dead pooled connection, the next calls open new connections', async () => {
  // No `Keep-Alive: timeout` hint, as many proxies strip it: Node would keep the idle sockets for our 65 s.
  const server = http.createServer((_req, res) => res.end('{}'));
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay = await startRelay((server.address() as AddressInfo).port);
  const origin = `http://127.0.0.1:${relay.port}`;
  const agent = new http.Agent({ keepAlive: true });
  const get = (): Promise<unknown> =>
    httpRequest({ method: 'GET', url: `${origin}/2.0/user`, timeoutMs: 300, maxBytes: 100, agent }).then(
      (response) => response.status,
      (err: unknown) => (err instanceof TransportError ? err.code : err),
    );
  try {
    // Three idle connections in the pool, and two pre-opened for a sign-in under way.
    expect(await Promise.all([get(), get(), get()])).toEqual([200, 200, 200]);
    preconnect([{ url: origin, sockets: 5 }], agent, 1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    relay.silence();
    // The first call after the loss pays the timeout; every call after it works.
    expect(await get()).toBe('timeout');
    expect([await get(), await get(), await get(), await get(), await get()]).toEqual([200, 200, 200, 200, 200]);
  } finally {
    agent.destroy();
    await relay.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

it("leaves the idle connections of the caller's agent that carried none of its calls", async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') return; // never answers: the call times out
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true });
  // The app's own request through its agent leaves an idle connection to the same origin.
  const appGet = (): Promise<number> =>
    new Promise((resolve, reject) => {
      http
        .get(`${origin}/app`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    });
  try {
    // Two at once: two idle connections, of which the package's call will take one.
    expect(await Promise.all([appGet(), appGet()])).toEqual([200, 200]);
    const idle = Object.values(agent.freeSockets).flat();
    expect(idle).toHaveLength(2);
    const slow = await httpRequest({ method: 'GET', url: `${origin}/slow`, timeoutMs: 200, maxBytes: 100, agent }).then(
      () => 'answered',
      (err: unknown) => (err instanceof TransportError ? err.code : err),
    );
    expect(slow).toBe('timeout');
    // The one the call used is closed with it; the other stays the app's.
    expect(idle.map((socket) => socket?.destroyed).sort()).toEqual([false, true]);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
