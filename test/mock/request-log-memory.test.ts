/**
 * Issue 19: the mock's request log is bounded in memory. It runs inside users' test processes and in the
 * example app, so a long run must not keep every body it was sent: each logged body is a copy of at most
 * 64 KiB (a slice would keep the whole string alive), the log keeps the newest 10,000 requests and 4 MiB
 * of bodies, and the oldest entries go first.
 */
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { guardProcess } from '../support/process-guard';

guardProcess();
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MIB = 1024 * 1024;

/** The heap in use once the garbage collector has run. */
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** POSTs `body` to the mock's token endpoint (which refuses it: only the log matters here). */
async function post(mock: MockBitbucket, body: string): Promise<void> {
  const res = await fetch(`${mock.url}/site/oauth2/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  await res.arrayBuffer();
}

let mock: MockBitbucket;
beforeEach(async () => {
  mock = await createMockBitbucket();
});
afterEach(async () => {
  await mock.close();
});

it('100 POSTs of 1 MiB grow the heap by less than 20 MiB while the mock runs', async () => {
  // One body per request, as distinct requests would have: nothing the test holds shares them.
  const before = heapUsed();
  for (let i = 0; i < 100; i += 1) await post(mock, `grant_type=x&pad=${String(i % 10).repeat(MIB - 20)}`);
  const grown = heapUsed() - before;
  expect(mock.requests.length).toBeGreaterThan(0);
  expect(grown).toBeLessThan(20 * MIB);
});

it('keeps the newest entries within 4 MiB of bodies, dropping the oldest', async () => {
  for (let i = 0; i < 100; i += 1) await post(mock, `grant_type=x&n=${i}&pad=${'a'.repeat(100 * 1024)}`);
  const kept = mock.requests;
  const bytes = kept.reduce((sum, r) => sum + r.body.length, 0);
  expect(bytes).toBeLessThanOrEqual(4 * MIB);
  expect(kept.length).toBeLessThan(100);
  expect(new URLSearchParams(kept.at(-1)?.body).get('n')).toBe('99');
  // Oldest first, without gaps.
  const numbers = kept.map((r) => Number(new URLSearchParams(r.body).get('n')));
  expect(numbers).toEqual(numbers.map((_, i) => 100 - kept.length + i));
});

/** Sends `targets` as GETs pipelined on one connection (fast: no client per request), and waits for every answer. */
function pipelined(mock: MockBitbucket, targets: readonly string[]): Promise<void> {
  const { hostname, port } = new URL(mock.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let seen = 0;
    let tail = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      const text = tail + chunk;
      seen += text.split('HTTP/1.1 ').length - 1;
      tail = text.slice(-8);
      if (seen >= targets.length) socket.end(resolve);
    });
    socket.on('error', reject);
    socket.write(targets.map((t) => `GET ${t} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`).join(''));
  });
}

it('keeps the newest 10,000 requests', async () => {
  await pipelined(mock, [
    ...Array.from({ length: 5 }, (_, i) => `/first?n=${i}`),
    ...Array.from({ length: 10_000 }, (_, i) => `/bulk?n=${i}`),
  ]);
  expect(mock.requests.length).toBe(10_000);
  expect(mock.requests.filter((r) => r.path === '/first')).toEqual([]);
  expect(mock.requests.at(-1)?.query).toEqual({ n: '9999' });
});
