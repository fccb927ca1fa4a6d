/**
 * A warm-up that goes wrong costs nothing (issue 10): a pre-opened connection the server closes is never
 * handed to a request, and an agent that cannot open connections makes the warm-up a silent no-op.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { preconnect } from '../../lib/transport/preconnect';
import { httpRequest } from '../../lib/transport/http';

it('drops a pre-opened connection that the server closed, and the next call opens its own', async () => {
  let connections = 0;
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.end('{}');
  });
  // The server hangs up on the first connection (the warm-up's), as an idle-connection reaper would.
  server.on('connection', (socket: Socket) => {
    if (++connections === 1) setTimeout(() => socket.destroy(), 10);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true });
  try {
    preconnect([{ url: origin, sockets: 1 }], agent, 5000);
    while (connections < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await httpRequest({
      method: 'GET',
      url: `${origin}/2.0/user`,
      timeoutMs: 5000,
      maxBytes: 100,
      agent,
    });
    expect(response.status).toBe(200);
    expect({ connections, requests }).toEqual({ connections: 2, requests: 1 });
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

it('is a silent no-op with an agent that cannot open a connection', () => {
  class Refusing extends http.Agent {
    override createConnection(): never {
      throw new Error('no connections here');
    }
  }
  const agent = new Refusing();
  expect(() => preconnect([{ url: 'http://127.0.0.1:9/', sockets: 2 }], agent, 1000)).not.toThrow();
});
