/**
 * The mock's `connectDelayMs` (issue 10): a request on a connection younger than N ms waits until the
 * connection is N ms old, as TCP + TLS set-up would make it; an older connection answers at once. The
 * mock counts every connection, including one that never sends a request.
 */
import { connect, type Socket } from 'node:net';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';

/** A raw connection to the mock, open. */
async function open(mock: MockBitbucket): Promise<Socket> {
  const { hostname, port } = new URL(mock.url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

/** Sends one GET and resolves with `label` when the answer's first bytes arrive. */
function answered(socket: Socket, label: string): Promise<string> {
  socket.write('GET /2.0/user HTTP/1.1\r\nHost: bitbucket.test\r\n\r\n');
  return new Promise((resolve) => socket.once('data', () => resolve(label)));
}

describe('createMockBitbucket({ connectDelayMs })', () => {
  it('makes a request on a new connection wait, and lets one on an older connection through first', async () => {
    const mock = await createMockBitbucket({ connectDelayMs: 300 });
    try {
      const old = await open(mock);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const fresh = await open(mock);
      const order: string[] = [];
      // The fresh connection's request is sent first, and still answered last.
      const first = answered(fresh, 'fresh').then((l) => order.push(l));
      const second = answered(old, 'old').then((l) => order.push(l));
      await Promise.all([first, second]);
      expect(order).toEqual(['old', 'fresh']);
      expect(mock.connectionCount).toBe(2);
      expect(mock.requests).toHaveLength(2);
      old.destroy();
      fresh.destroy();
    } finally {
      await mock.close();
    }
  });

  it('counts a connection that sends nothing, and never shows it to the request handlers', async () => {
    const mock = await createMockBitbucket();
    try {
      const idle = await open(mock);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(mock.connectionCount).toBe(1);
      expect(mock.requests).toEqual([]);
      idle.destroy();
    } finally {
      await mock.close();
    }
  });

  it('refuses a negative or non-finite delay', async () => {
    await expect(createMockBitbucket({ connectDelayMs: -1 })).rejects.toThrow(
      new RangeError('createMockBitbucket: connectDelayMs must be a finite number >= 0, got -1'),
    );
    await expect(createMockBitbucket({ connectDelayMs: Infinity })).rejects.toThrow(RangeError);
  });
});
