/**
 * Proxies from the environment (issue 22): with `NODE_USE_ENV_PROXY=1` (Node's own opt-in switch), every call to
 * Bitbucket goes through `HTTPS_PROXY` / `HTTP_PROXY` unless `NO_PROXY` names the host; without the switch the
 * variables are ignored. The proxy here is a real one: a CONNECT tunnel on 127.0.0.1 written with node:http,
 * recording each tunnel it opens. This is the README's proxy recipe, run.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp } from '../support/app';
import { login } from '../support/flow';
import { cloudOptions as oauth1Options } from '../oauth1/helpers';
import { cloudOptions } from '../oauth2/helpers';

interface Proxy {
  url: string;
  /** The `host:port` of each CONNECT the proxy tunnelled, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/** A CONNECT proxy; `answer: false` accepts the CONNECT and then never answers it. */
async function startProxy({ answer = true } = {}): Promise<Proxy> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(String(req.url));
    sockets.add(client);
    if (!answer) return;
    const target = new URL(`http://${String(req.url)}`);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const VARIABLES = [
  'NODE_USE_ENV_PROXY',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
];
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) Reflect.deleteProperty(process.env, name);
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
});

type Build = (mock: MockBitbucket) => BitbucketOAuth2Strategy | BitbucketStrategy;
const oauth2: Build = (mock) =>
  new BitbucketOAuth2Strategy(cloudOptions(mock, { timeout: 1500 }), (_a, _r, profile, done) =>
    done(null, { id: profile.id }),
  );
const oauth1: Build = (mock) =>
  new BitbucketStrategy(oauth1Options(mock), (_t, _s, profile, done) => done(null, { id: profile.id }));

/**
 * One login through an app whose strategy `build` makes, with `env` set; the callback's status and the mock.
 * `prepare` runs once the app is built, before the sign-in.
 */
async function signIn(
  build: Build,
  env: Record<string, string>,
  prepare: (mock: MockBitbucket) => void = () => undefined,
): Promise<{ status: number; mock: MockBitbucket; errors: string[] }> {
  Object.assign(process.env, env);
  const mock = await createMockBitbucket({ autoApprove: true });
  await reserveAppURL();
  const app = await startApp(build(mock));
  prepare(mock);
  try {
    const { callback } = await login(app.agent());
    return { status: callback?.status ?? 0, mock, errors: app.errors.map((e) => e.message) };
  } finally {
    await app.close();
    await mock.close();
  }
}

describe('HTTPS_PROXY / HTTP_PROXY / NO_PROXY', () => {
  it('with NODE_USE_ENV_PROXY=1, an OAuth 2.0 sign-in reaches Bitbucket only through the proxy: token, user and emails', async () => {
    const proxy = await startProxy();
    try {
      const { status, mock } = await signIn(oauth2, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy.url });
      expect(status).toBe(200);
      const origin = new URL(mock.url).host;
      expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
      expect(new Set(proxy.tunnels)).toEqual(new Set([origin]));
      expect(mock.requests.map((r) => r.endpoint).sort()).toEqual(['authorize', 'emails', 'token', 'user']);
    } finally {
      await proxy.close();
    }
  });

  it('with NODE_USE_ENV_PROXY=1, an OAuth 1.0a sign-in goes through the proxy too', async () => {
    const proxy = await startProxy();
    try {
      const { status, mock } = await signIn(oauth1, { NODE_USE_ENV_PROXY: '1', http_proxy: proxy.url });
      expect(status).toBe(200);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(mock.url).host]));
    } finally {
      await proxy.close();
    }
  });

  it('ignores the variables without NODE_USE_ENV_PROXY=1: nothing goes through the proxy', async () => {
    const proxy = await startProxy();
    try {
      const { status } = await signIn(oauth2, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
      expect(status).toBe(200);
      expect(proxy.tunnels).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  // NOTE: Node reads NODE_USE_ENV_PROXY once, at start-up; the strategy reads it once, when it is built (not at
  // every call, where reading the environment cost CPU on every login).
  it.each([
    ['built without it, the switch set before the sign-in: direct', {}, { NODE_USE_ENV_PROXY: '1' }, false],
    ['built with it, the switch removed before the sign-in: through the proxy', { NODE_USE_ENV_PROXY: '1' }, {}, true],
  ] as const)('reads NODE_USE_ENV_PROXY when the strategy is built: %s', async (_what, atBuild, later, proxied) => {
    const proxy = await startProxy();
    try {
      const { status } = await signIn(oauth2, { ...atBuild, HTTP_PROXY: proxy.url }, () => {
        Reflect.deleteProperty(process.env, 'NODE_USE_ENV_PROXY');
        Object.assign(process.env, later);
      });
      expect(status).toBe(200);
      expect(proxy.tunnels.length > 0).toBe(proxied);
    } finally {
      await proxy.close();
    }
  });

  it('goes direct to a host NO_PROXY names', async () => {
    const proxy = await startProxy();
    try {
      const { status } = await signIn(oauth2, {
        NODE_USE_ENV_PROXY: '1',
        HTTP_PROXY: proxy.url,
        NO_PROXY: 'localhost,127.0.0.1',
      });
      expect(status).toBe(200);
      expect(proxy.tunnels).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('keeps the time limit through a proxy that never answers: the sign-in ends in an error within `timeout`', async () => {
    const proxy = await startProxy({ answer: false });
    try {
      const started = performance.now();
      const { status } = await signIn(oauth2, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy.url });
      expect(status).toBe(500);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    } finally {
      await proxy.close();
    }
  });

  it.each([
    ['a 2 MiB profile: the 1 MiB cap', 'user', { kind: 'huge', bytes: 2 * 1024 * 1024 }, /more than 1048576 bytes/],
    ['an emails call that never answers: the time limit', 'emails', { kind: 'hang' }, /did not answer/],
    ['a token endpoint that redirects: not followed', 'token', { kind: 'redirect', location: '/elsewhere' }, /302/],
  ] as const)('keeps every limit through the proxy: %s', async (_what, endpoint, fault, message) => {
    const proxy = await startProxy();
    try {
      const { status, mock, errors } = await signIn(oauth2, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy.url }, (m) =>
        m.setFault(endpoint, fault),
      );
      expect(status).toBe(500);
      expect(errors[0]).toMatch(message);
      expect(mock.requests.some((r) => r.path === '/elsewhere')).toBe(false);
      expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    } finally {
      await proxy.close();
    }
  });
});
