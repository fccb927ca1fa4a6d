/**
 * Connections ready before the callback (issue 10): the first leg opens, in the background, the connections
 * the callback needs (a TCP connect on the mock's plain http; TCP + TLS on https), without any HTTP request,
 * and hands them to the agent; the callback's calls then open none. Each test starts a fresh mock, that is a
 * fresh origin, for which the process's shared agent holds no connection yet.
 */
import * as http from 'node:http';
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp, type TestApp } from '../support/app';
import { login, pathOf } from '../support/flow';
import { cloudOptions as oauth1Options } from '../oauth1/helpers';
import { cloudOptions as oauth2Options } from '../oauth2/helpers';

/** Waits until the mock has accepted `count` connections in all (a warm-up runs in the background). */
async function connectionsReach(mock: MockBitbucket, count: number): Promise<void> {
  while (mock.connectionCount < count) await new Promise((resolve) => setTimeout(resolve, 5));
  // The client sees its connection established a moment after the server accepted it.
  await new Promise((resolve) => setTimeout(resolve, 25));
}

interface Rig {
  mock: MockBitbucket;
  app: TestApp;
}

type Build = (mock: MockBitbucket) => BitbucketOAuth2Strategy | BitbucketStrategy;

async function withRig(build: Build, run: (r: Rig) => Promise<void>): Promise<void> {
  // 50 ms per new connection: a request on a connection opened for it waits, one opened ahead does not.
  const mock = await createMockBitbucket({ autoApprove: true, connectDelayMs: 50 });
  await reserveAppURL();
  const app = await startApp(build(mock));
  try {
    await run({ mock, app });
  } finally {
    await app.close();
    await mock.close();
  }
}

const done = (profile: { id: string }, cb: (err: null, user: object) => void): void => {
  cb(null, { id: profile.id });
};
const oauth2 =
  (extra: object = {}): Build =>
  (mock) =>
    new BitbucketOAuth2Strategy({ ...oauth2Options(mock), ...extra }, (_a, _r, profile, cb) => done(profile, cb));
const oauth1 =
  (extra: object = {}): Build =>
  (mock) =>
    new BitbucketStrategy({ ...oauth1Options(mock), ...extra }, (_t, _s, profile, cb) => done(profile, cb));

/** `METHOD /path` of what the mock's handlers received, the parallel profile calls sorted. */
const calls = (mock: MockBitbucket, from = 0): string[] => {
  const all = mock.requests.slice(from).map((q) => `${q.method} ${q.path}`);
  return [...all.slice(0, 1), ...all.slice(1).sort()];
};

/** The first leg, the warm-up's end, Bitbucket's redirect back: returns the callback path. */
async function firstLeg(r: Rig, browser: ReturnType<TestApp['agent']>, warmConnections: number): Promise<string> {
  const before = r.mock.connectionCount;
  const start = await browser.get('/login');
  expect(start.status).toBe(302);
  await connectionsReach(r.mock, before + warmConnections);
  const back = await fetch(String(start.headers.location), { redirect: 'manual' });
  return pathOf(back.headers.get('location') ?? '');
}

describe('BitbucketOAuth2Strategy pre-connecting during the first leg', () => {
  it('opens two connections (the token call, then /2.0/user and the emails in parallel) without sending a request', () =>
    withRig(oauth2(), async (r) => {
      const start = await r.app.agent().get('/login');
      expect(start.status).toBe(302);
      await connectionsReach(r.mock, 2);
      expect(r.mock.connectionCount).toBe(2);
      expect(r.mock.requests).toEqual([]);
    }));

  it('lets the callback open no connection: token, user and emails all go over pre-opened ones', () =>
    withRig(oauth2(), async (r) => {
      const browser = r.app.agent();
      const callbackPath = await firstLeg(r, browser, 2);
      const before = r.mock.connectionCount;
      const seen = r.mock.requests.length;
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(200);
      expect(r.mock.connectionCount).toBe(before);
      expect(calls(r.mock, seen)).toEqual(['POST /site/oauth2/access_token', 'GET /2.0/user', 'GET /2.0/user/emails']);
    }));

  it('with preconnect: false opens nothing ahead, and the callback opens its own connections', () =>
    withRig(oauth2({ preconnect: false }), async (r) => {
      const browser = r.app.agent();
      const start = await browser.get('/login');
      const back = await fetch(String(start.headers.location), { redirect: 'manual' });
      const before = r.mock.connectionCount;
      const callback = await browser.get(pathOf(back.headers.get('location') ?? ''));
      expect(callback.status).toBe(200);
      expect(r.mock.connectionCount).toBe(before + 2);
    }));

  it('keeps one warm-up in flight per origin: two first legs at once open two connections, not four', () =>
    withRig(oauth2(), async (r) => {
      await Promise.all([r.app.agent().get('/login'), r.app.agent().get('/login')]);
      await connectionsReach(r.mock, 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(r.mock.connectionCount).toBe(2);
    }));

  it('opens nothing when the agent already holds idle connections enough', () =>
    withRig(oauth2(), async (r) => {
      await login(r.app.agent());
      const before = r.mock.connectionCount;
      await r.app.agent().get('/login');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(r.mock.connectionCount).toBe(before);
    }));

  it('fails silently: a token host that refuses connections changes nothing for the first leg', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await withRig(oauth2({ tokenURL: `http://127.0.0.1:${port}/site/oauth2/access_token` }), async (r) => {
      const start = await r.app.agent().get('/login');
      expect(start.status).toBe(302);
      await connectionsReach(r.mock, 2); // the API connections still open
      expect(r.app.errors).toEqual([]);
    });
  });
});

describe('BitbucketStrategy (OAuth 1.0a) pre-connecting after the request token', () => {
  it('lets the callback open no connection: access token, user and emails go over the kept and pre-opened ones', () =>
    withRig(oauth1(), async (r) => {
      const browser = r.app.agent();
      // The request token's own connection stays in the pool; one more is opened for the parallel profile calls.
      const callbackPath = await firstLeg(r, browser, 2);
      expect(calls(r.mock)).toEqual(['POST /api/1.0/oauth/request_token/', 'GET /api/1.0/oauth/authenticate/']);
      const before = r.mock.connectionCount;
      const seen = r.mock.requests.length;
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(200);
      expect(r.mock.connectionCount).toBe(before);
      expect(calls(r.mock, seen)).toEqual([
        'POST /api/1.0/oauth/access_token/',
        'GET /2.0/user',
        'GET /2.0/user/emails',
      ]);
    }));
});

describe('the agent option', () => {
  it('sends every call through the given agent, and pre-connects nothing through it by default', () => {
    const agent = new http.Agent({ keepAlive: true });
    return withRig(oauth2({ agent }), async (r) => {
      const browser = r.app.agent();
      const start = await browser.get('/login');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(r.mock.connectionCount).toBe(0);
      const back = await fetch(String(start.headers.location), { redirect: 'manual' });
      const callback = await browser.get(pathOf(back.headers.get('location') ?? ''));
      expect(callback.status).toBe(200);
      // The token call and the two profile calls left their keep-alive connections in this agent.
      const idle = Object.values(agent.freeSockets).reduce((n, sockets) => n + (sockets?.length ?? 0), 0);
      expect(idle).toBe(2);
      agent.destroy();
    });
  });

  it('with preconnect: true pre-connects through the given agent', () => {
    const agent = new http.Agent({ keepAlive: true });
    return withRig(oauth2({ agent, preconnect: true }), async (r) => {
      const browser = r.app.agent();
      const callbackPath = await firstLeg(r, browser, 2);
      const before = r.mock.connectionCount;
      expect((await browser.get(callbackPath)).status).toBe(200);
      expect(r.mock.connectionCount).toBe(before);
      agent.destroy();
    });
  });

  it.each([{ maxSockets: 1 }, { maxTotalSockets: 1 }])(
    'with preconnect: true opens ahead no more connections than the given agent would itself (%o)',
    (limit) => {
      const agent = new http.Agent({ keepAlive: true, ...limit });
      return withRig(oauth2({ agent, preconnect: true }), async (r) => {
        const browser = r.app.agent();
        const start = await browser.get('/login');
        await connectionsReach(r.mock, 1);
        // The callback needs two at once; the agent would open one, so one only is opened ahead.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(r.mock.connectionCount).toBe(1);
        const back = await fetch(String(start.headers.location), { redirect: 'manual' });
        const before = r.mock.connectionCount;
        expect((await browser.get(pathOf(back.headers.get('location') ?? ''))).status).toBe(200);
        // That one served the token, then the user and the emails one after the other.
        expect(r.mock.connectionCount).toBe(before);
        agent.destroy();
      });
    },
  );

  it('with preconnect: true leaves the given agent counting its own sockets, so that its maxTotalSockets holds for the sign-ins and the app together', () => {
    const agent = new http.Agent({ keepAlive: true, maxTotalSockets: 8 });
    /** Every socket the agent holds, busy or idle, whoever's request opened it. */
    const held = (): number =>
      [agent.sockets, agent.freeSockets].reduce(
        (n, pool) => n + Object.values(pool).reduce((m, sockets) => m + (sockets?.length ?? 0), 0),
        0,
      );
    return withRig(oauth2({ agent, preconnect: true }), async (r) => {
      const browser = r.app.agent();
      expect((await browser.get(await firstLeg(r, browser, 2))).status).toBe(200);
      // The app's own request through the same agent.
      await new Promise<void>((resolve, reject) => {
        http
          .get(`${r.mock.url}/2.0/user`, { agent, headers: { Connection: 'keep-alive' } }, (res) => {
            res.resume().on('end', resolve);
          })
          .on('error', reject);
      });
      expect(held()).toBeGreaterThanOrEqual(2);
      // Node's own count, which maxTotalSockets is checked against, is the agent's: all of them.
      expect(Reflect.get(agent, 'totalSocketCount')).toBe(held());
      agent.destroy();
    });
  });

  it('never changes the given agent: https.globalAgent keeps its own createConnection, and still no connection is opened in the callback', async () => {
    // NOTE: the mock speaks plain http; the global agent of `http` stands in for https.globalAgent, which a
    // patched createConnection would turn, for every HTTPS request of the process, into this package's warm-up.
    const agent = http.globalAgent;
    const own = Object.getOwnPropertyNames(agent).sort();
    const createConnection = agent.createConnection;
    await withRig(oauth2({ agent, preconnect: true }), async (r) => {
      const browser = r.app.agent();
      const callbackPath = await firstLeg(r, browser, 2);
      expect(Object.getOwnPropertyNames(agent).sort()).toEqual(own);
      expect(agent.createConnection).toBe(createConnection);
      const before = r.mock.connectionCount;
      expect((await browser.get(callbackPath)).status).toBe(200);
      expect(r.mock.connectionCount).toBe(before);
      // The pre-opened connections joined the agent's own pool: its next request there reuses one.
      const reused = await new Promise<boolean>((resolve, reject) => {
        const req = http.get(`${r.mock.url}/2.0/user`, { agent }, (res) => {
          res.resume();
          resolve(req.reusedSocket);
        });
        req.on('error', reject);
      });
      expect(reused).toBe(true);
      expect(r.mock.connectionCount).toBe(before);
    });
    expect(Object.getOwnPropertyNames(agent).sort()).toEqual(own);
    expect(agent.createConnection).toBe(createConnection);
  });

  it('is checked at construction', () => {
    const build = (extra: object) => () =>
      new BitbucketOAuth2Strategy(
        { clientID: 'id', clientSecret: 'secret', callbackURL: 'https://app.example.com/cb', ...extra },
        () => undefined,
      );
    expect(build({ agent: { keepAlive: true } })).toThrow(
      new TypeError('agent must be an http.Agent (or https.Agent, HttpsProxyAgent, …), got {"keepAlive":true}'),
    );
    expect(build({ preconnect: 'yes' })).toThrow(new TypeError('preconnect must be true or false, got "yes"'));
  });
});
