import { get as httpGet, type IncomingMessage } from 'node:http';
import { createMockBitbucket, type MockFault } from 'passport-bitbucket-oauth/testing';
import { basic, postForm, useMock } from './helpers';

/** Resolves with the response head of a GET (body not read). */
function head(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpGet(url, { headers }, resolve).on('error', reject));
}

describe('faults', () => {
  const mock = useMock();
  const bearer = () => ({ authorization: `Bearer ${mock().issueAccessToken(0)}` });
  const userUrl = () => mock().oauth2Endpoints().userProfileURL;

  test('status: answers the status, a default HTML page and extra headers (429 with Retry-After)', async () => {
    mock().setFault('user', { kind: 'status', status: 500 });
    const page = await fetch(userUrl(), { headers: bearer() });
    expect([page.status, page.headers.get('content-type')]).toEqual([500, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<h1>Error 500</h1>');
    mock().setFault('user', {
      kind: 'status',
      status: 429,
      body: 'Rate limit for this resource has been exceeded',
      headers: { 'Retry-After': '60' },
    });
    const limited = await fetch(userUrl(), { headers: bearer() });
    expect([limited.status, limited.headers.get('retry-after'), limited.headers.get('content-type')]).toEqual([
      429,
      '60',
      'text/plain; charset=utf-8',
    ]);
    expect(await limited.text()).toBe('Rate limit for this resource has been exceeded');
  });

  test('json: answers any JSON with the given status (default 200)', async () => {
    mock().setFault('user', { kind: 'json', body: { unexpected: ['shape'] } });
    const res = await fetch(userUrl(), { headers: bearer() });
    expect([res.status, await res.json()]).toEqual([200, { unexpected: ['shape'] }]);
    mock().setFault('emails', { kind: 'json', status: 503, body: undefined });
    const none = await fetch(mock().oauth2Endpoints().userEmailsURL, { headers: bearer() });
    expect([none.status, await none.text()]).toEqual([503, 'null']);
  });

  test('badJson: answers 200 application/json that does not parse', async () => {
    mock().setFault('token', { kind: 'badJson' });
    const res = await postForm(
      mock().oauth2Endpoints().tokenURL,
      { grant_type: 'authorization_code' },
      { authorization: basic() },
    );
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json']);
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  test('delay: answers normally after the delay', async () => {
    mock().setFault('user', { kind: 'delay', ms: 150 });
    const started = Date.now();
    const res = await fetch(userUrl(), { headers: bearer() });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('delay: forgets the timer when the client gives up', async () => {
    mock().setFault('user', { kind: 'delay', ms: 60_000 });
    await expect(fetch(userUrl(), { headers: bearer(), signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  test('drip: sends headers, then one byte per interval, forever', async () => {
    mock().setFault('emails', { kind: 'drip', intervalMs: 20 });
    const res = await head(mock().oauth2Endpoints().userEmailsURL, bearer());
    expect(res.statusCode).toBe(200);
    const bytes = await new Promise<number>((resolve) => {
      let count = 0;
      res.on('data', (chunk: Buffer) => {
        count += chunk.length;
        if (count >= 3) {
          res.destroy();
          resolve(count);
        }
      });
    });
    expect(bytes).toBeGreaterThanOrEqual(3);
  });

  test('huge: streams exactly the number of bytes asked for', async () => {
    mock().setFault('user', { kind: 'huge', bytes: 3 * 1024 * 1024 + 7 });
    const res = await fetch(userUrl(), { headers: bearer() });
    const body = await res.arrayBuffer();
    expect(body.byteLength).toBe(3 * 1024 * 1024 + 7);
    expect(Buffer.from(body).subarray(0, 8).toString()).toBe('{"pad":"');
    mock().setFault('user', { kind: 'huge', bytes: 4 });
    expect(await (await fetch(userUrl(), { headers: bearer() })).text()).toBe('xxxx');
  });

  test('huge: stops streaming when the client goes away', async () => {
    mock().setFault('user', { kind: 'huge', bytes: 512 * 1024 * 1024 });
    const res = await head(userUrl(), bearer());
    expect(res.headers['content-length']).toBe(String(512 * 1024 * 1024));
    res.destroy();
    await new Promise((r) => setTimeout(r, 50));
  });

  test('redirect: answers a 3xx with Location', async () => {
    mock().setFault('token', { kind: 'redirect', location: 'https://bitbucket.org/login' });
    const res = await postForm(mock().oauth2Endpoints().tokenURL, {});
    expect([res.status, res.headers.get('location')]).toEqual([302, 'https://bitbucket.org/login']);
    mock().setFault('token', { kind: 'redirect', status: 307, location: '/elsewhere' });
    expect((await postForm(mock().oauth2Endpoints().tokenURL, {})).status).toBe(307);
  });

  test('reset: destroys the socket without an answer', async () => {
    mock().setFault('user', { kind: 'reset' });
    await expect(fetch(userUrl(), { headers: bearer() })).rejects.toThrow();
  });

  test('emptyBody: answers zero bytes of application/json', async () => {
    mock().setFault('user', { kind: 'emptyBody' });
    const res = await fetch(userUrl(), { headers: bearer() });
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'application/json', '']);
    mock().setFault('user', { kind: 'emptyBody', status: 502 });
    expect((await fetch(userUrl(), { headers: bearer() })).status).toBe(502);
  });

  test('hang: never answers, until the client gives up', async () => {
    mock().setFault('user', { kind: 'hang' });
    await expect(fetch(userUrl(), { headers: bearer(), signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  test('deny: answers 403 in each endpoint’s own format outside the authorize pages', async () => {
    for (const endpoint of ['token', 'user', 'emails', 'dcUser', 'whoami', 'requestToken', 'accessToken'] as const)
      mock().setFault(endpoint, { kind: 'deny' });
    const token = await postForm(mock().oauth2Endpoints().tokenURL, {});
    expect([token.status, await token.json()]).toEqual([
      403,
      { error: 'access_denied', error_description: 'Access denied.' },
    ]);
    expect(await (await fetch(userUrl(), { headers: bearer() })).json()).toEqual({
      type: 'error',
      error: { message: 'Access denied.' },
    });
    const dcUser = await fetch(`${mock().dataCenterEndpoints().usersURL}jdoe`, {
      headers: { authorization: `Bearer ${mock().issueAccessToken(0, undefined, 'dataCenter')}` },
    });
    expect([dcUser.status, dcUser.headers.get('x-ausername')]).toEqual([403, 'jdoe']);
    expect(((await dcUser.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    const whoami = await fetch(mock().dataCenterEndpoints().whoamiURL);
    expect([whoami.status, await whoami.text()]).toEqual([403, 'Access denied.']);
  });

  test('times: applies to the next N requests only', async () => {
    mock().setFault('user', { kind: 'status', status: 503 }, { times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(userUrl(), { headers: bearer() })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  test('null and clearFaults() remove faults', async () => {
    mock().setFault('user', { kind: 'status', status: 500 });
    mock().setFault('user', null);
    expect((await fetch(userUrl(), { headers: bearer() })).status).toBe(200);
    mock().setFault('user', { kind: 'status', status: 500 });
    mock().setFault('emails', { kind: 'status', status: 500 });
    mock().clearFaults();
    expect((await fetch(userUrl(), { headers: bearer() })).status).toBe(200);
  });

  test('setFault refuses faults it cannot apply', () => {
    const bad: [string, MockFault | null, { times?: number }?][] = [
      ['nope', { kind: 'hang' }],
      ['nope', null],
      ['user', { kind: 'hang' }, { times: 0 }],
      ['user', { kind: 'status', status: 99 }],
      ['user', { kind: 'json', status: 600, body: {} }],
      ['user', { kind: 'emptyBody', status: 1.5 }],
      ['user', { kind: 'redirect', location: '' }],
      ['user', { kind: 'redirect', status: 200, location: '/x' }],
      ['user', { kind: 'delay', ms: -1 }],
      ['user', { kind: 'drip', intervalMs: 0 }],
      ['user', { kind: 'huge', bytes: 1.5 }],
    ];
    for (const [endpoint, fault, opts] of bad) {
      expect(() => mock().setFault(endpoint as 'user', fault, opts)).toThrow(RangeError);
    }
    expect(() => mock().setFault('user', { kind: 'json', body: { n: 1n } })).toThrow(TypeError);
    expect(() => mock().setFault('user', { kind: 'explode' } as unknown as MockFault)).toThrow(TypeError);
  });
});

describe('close()', () => {
  const open = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;

  test('resolves with a hanging request pending and leaves nothing open', async () => {
    const mock = await createMockBitbucket();
    const serversBefore = open('TCPServerWrap');
    mock.setFault('user', { kind: 'hang' });
    mock.setFault('emails', { kind: 'drip', intervalMs: 10 });
    mock.setFault('whoami', { kind: 'delay', ms: 60_000 });
    const bearer = { authorization: `Bearer ${mock.issueAccessToken(0)}` };
    const hanging = fetch(mock.oauth2Endpoints().userProfileURL, { headers: bearer });
    const dripping = head(mock.oauth2Endpoints().userEmailsURL, bearer);
    const delayed = fetch(mock.dataCenterEndpoints().whoamiURL, { headers: bearer });
    await dripping;
    await new Promise((r) => setTimeout(r, 50)); // let the hanging and delayed requests arrive
    const timersBefore = open('Timeout');
    const closing = mock.close();
    expect(mock.close()).toBe(closing);
    await closing;
    await expect(hanging).rejects.toThrow();
    await expect(delayed).rejects.toThrow();
    await expect(fetch(mock.url)).rejects.toThrow();
    expect(open('TCPServerWrap')).toBeLessThan(serversBefore);
    // The drip interval and the 60 s delay are gone. NOTE: the count is process-wide, and fetch's own connect
    // timers for the refused requests above may still be pending for a moment on a busy machine: poll for up to
    // 2 s (the mock's 60 s delay timer would outlive that).
    for (const until = Date.now() + 2000; open('Timeout') > timersBefore - 2 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(open('Timeout')).toBeLessThanOrEqual(timersBefore - 2);
  });

  test('does not answer a request whose body was cut off', async () => {
    const mock = await createMockBitbucket();
    const { request } = await import('node:http');
    const req = request(mock.oauth2Endpoints().tokenURL, { method: 'POST', headers: { 'content-length': '100' } });
    req.on('error', () => undefined);
    req.write('grant_type=');
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(mock.requests).toHaveLength(0);
    await mock.close();
  });
});
