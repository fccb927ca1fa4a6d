/**
 * The smaller protections of the sign-in state issue: refused configurations, strategies that never read
 * each other's pending sign-ins, which server a profile came from, verified addresses first, and Data
 * Center avatars under a context path.
 */
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  orderEmails,
  type BitbucketProfile,
} from 'passport-bitbucket-oauth';
import {
  createMockBitbucket,
  DEFAULT_CLIENT,
  DEFAULT_USERS,
  type MockBitbucket,
} from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { login, pathOf } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { appCallbackURL, reserveAppURL, startApp } from '../support/app';
import { cloudOptions, requestsTo } from '../oauth2/helpers';

guardProcess();

const verify = (
  _a: string,
  _r: string | undefined,
  profile: BitbucketProfile,
  done: (e: null, u: object) => void,
): void => done(null, { id: profile.id, baseURL: profile.baseURL });
const client = { clientID: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret };

describe('configurations that would expose the sign-in are refused at construction', () => {
  it('a relative callbackURL (it would be completed from the Host header), for both strategies', () => {
    const why =
      'callbackURL must be an absolute http(s) URL such as "https://app.example.com/auth/bitbucket/callback", got "/auth/callback": a relative one would be completed from the request\'s Host header, which the client controls';
    expect(() => new BitbucketOAuth2Strategy({ ...client, callbackURL: '/auth/callback' }, verify)).toThrow(
      new TypeError(why),
    );
    expect(
      () =>
        new BitbucketStrategy(
          { consumerKey: 'k', consumerSecret: 's', callbackURL: '/auth/callback' },
          (_t, _s, profile, done) => done(null, profile),
        ),
    ).toThrow(new TypeError(why));
  });

  it('an http: baseURL or endpoint (the client secret would travel in clear text), unless it is loopback', () => {
    const https = 'https://app.example.com/cb';
    expect(
      () => new BitbucketOAuth2Strategy({ ...client, callbackURL: https, baseURL: 'http://bitbucket.corp' }, verify),
    ).toThrow(
      new TypeError(
        'baseURL must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "http://bitbucket.corp"',
      ),
    );
    for (const name of ['tokenURL', 'authorizationURL', 'userProfileURL', 'userEmailsURL'] as const) {
      expect(
        () => new BitbucketOAuth2Strategy({ ...client, callbackURL: https, [name]: 'http://10.0.0.8/x' }, verify),
      ).toThrow(
        `${name} must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "http://10.0.0.8/x"`,
      );
    }
    expect(
      () =>
        new BitbucketStrategy(
          { consumerKey: 'k', consumerSecret: 's', callbackURL: https, requestTokenURL: 'http://bitbucket.corp/rt' },
          (_t, _s, profile, done) => done(null, profile),
        ),
    ).toThrow('requestTokenURL must use https');
    for (const loopback of ['http://127.0.0.1:7990', 'http://localhost:7990', 'http://[::1]:7990']) {
      expect(new BitbucketOAuth2Strategy({ ...client, callbackURL: https, baseURL: loopback }, verify).deployment).toBe(
        'datacenter',
      );
    }
  });

  it("pkce: 'plain' is accepted with a one-time process warning", () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      new BitbucketOAuth2Strategy({ ...client, callbackURL: 'https://a.example/cb', pkce: 'plain' }, verify);
      new BitbucketOAuth2Strategy({ ...client, callbackURL: 'https://a.example/cb', pkce: 'plain' }, verify);
      const codes = emitWarning.mock.calls.map((call) => (call[1] as { code?: string }).code);
      expect(codes.filter((code) => code === 'PASSPORT_BITBUCKET_PKCE_PLAIN')).toHaveLength(1);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('pending-login limits that are not positive integers', () => {
    const base = { ...client, callbackURL: 'https://a.example/cb' };
    expect(() => new BitbucketOAuth2Strategy({ ...base, maxPendingLogins: 0 }, verify)).toThrow(
      new TypeError('maxPendingLogins must be a positive integer, got 0'),
    );
    expect(
      () => new BitbucketOAuth2Strategy({ ...base, pendingLoginMaxAge: '600000' as unknown as number }, verify),
    ).toThrow(new TypeError('pendingLoginMaxAge must be a positive integer, got "600000"'));
  });

  it('pkce: false on Data Center is allowed (documented as weaker)', () => {
    const strategy = new BitbucketOAuth2Strategy(
      { ...client, callbackURL: 'https://a.example/cb', baseURL: 'https://bitbucket.corp', pkce: false },
      verify,
    );
    expect(strategy.deployment).toBe('datacenter');
  });
});

describe('a relative callbackURL given to passport.authenticate() at the callback', () => {
  it('is refused with the same TypeError, before Bitbucket is asked', async () => {
    const mock = await createMockBitbucket({ autoApprove: true });
    await reserveAppURL();
    const app = await startApp(new BitbucketOAuth2Strategy(cloudOptions(mock), verify), {
      callbackOptions: { callbackURL: '/callback' },
    });
    try {
      const { callback } = await login(app.agent());
      expect(callback?.status).toBe(500);
      expect(app.errors[0]).toBeInstanceOf(TypeError);
      expect(app.errors[0]?.message).toMatch(/^callbackURL must be an absolute http\(s\) URL/);
      expect(requestsTo(mock, 'token')).toEqual([]);
    } finally {
      await app.close();
      await mock.close();
    }
  });
});

describe('a Cloud strategy and a Data Center strategy in one app', () => {
  let cloud: MockBitbucket;
  let datacenter: MockBitbucket;
  let app: ReturnType<typeof express>;
  // The callbacks are delivered by path to a supertest agent: the callback URLs' origin is never dialled.
  const url = 'http://127.0.0.1:9';
  beforeAll(async () => {
    cloud = await createMockBitbucket({ autoApprove: true });
    datacenter = await createMockBitbucket({ autoApprove: true });
    const passport = new Passport();
    passport.use(
      'cloud',
      new BitbucketOAuth2Strategy({ ...cloudOptions(cloud), callbackURL: `${url}/cloud/callback` }, verify),
    );
    passport.use(
      'dc',
      new BitbucketOAuth2Strategy({ ...client, baseURL: datacenter.url, callbackURL: `${url}/dc/callback` }, verify),
    );
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    app = express();
    app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());
    for (const name of ['cloud', 'dc']) {
      app.get(`/${name}/login`, passport.authenticate(name));
      app.get(
        `/${name}/callback`,
        passport.authenticate(name, { failureRedirect: '/failed', failureMessage: true }),
        (req, res) => res.json({ user: req.user }),
      );
    }
    app.get('/failed', (req, res) => res.json({ messages: (req.session as { messages?: string[] }).messages }));
    app.get('/session', (req, res) => res.json(req.session));
  });
  afterAll(async () => {
    await cloud.close();
    await datacenter.close();
  });

  it('keeps their pending sign-ins apart, and neither accepts the other’s callback', async () => {
    const agent = request.agent(app);
    const cloudStart = await agent.get('/cloud/login');
    const dcStart = await agent.get('/dc/login');
    const keys = Object.keys((await agent.get('/session')).body as object).filter((k) => k !== 'cookie');
    expect(keys.sort()).toEqual([
      `bitbucket-oauth2:cloud:${new URL(cloud.url).host}:${client.clientID}`,
      `bitbucket-oauth2:datacenter:${new URL(datacenter.url).host}:${client.clientID}`,
    ]);
    const cloudBack = await request(String(cloudStart.headers.location)).get('');
    const cloudCallback = new URL(String(cloudBack.headers.location));
    // The Cloud callback delivered to the Data Center route: no pending Data Center sign-in has that state.
    const crossed = await agent.get(`/dc/callback${cloudCallback.search}`);
    expect(crossed.headers.location).toBe('/failed');
    expect(requestsTo(datacenter, 'token')).toEqual([]);
    // The Cloud sign-in finishes. Its login keeps only the Cloud strategy's other pending sign-ins (bound to
    // the account): the Data Center one started before it is dropped, and a new one finishes.
    expect((await agent.get(pathOf(cloudCallback.href))).body.user).toEqual({
      id: DEFAULT_USERS[0]!.uuid,
      baseURL: 'https://bitbucket.org',
    });
    const dcBack = await request(String(dcStart.headers.location)).get('');
    expect((await agent.get(pathOf(String(dcBack.headers.location)))).headers.location).toBe('/failed');
    const dcAgain = await request(String((await agent.get('/dc/login')).headers.location)).get('');
    expect((await agent.get(pathOf(String(dcAgain.headers.location)))).body.user).toEqual({
      id: '1',
      baseURL: datacenter.url,
    });
  });
});

describe('two Data Center servers: the same user id means two people', () => {
  it('profile.baseURL tells them apart, so apps key users by (baseURL, id)', async () => {
    const servers = [
      await createMockBitbucket({ autoApprove: true }),
      await createMockBitbucket({ autoApprove: true }),
    ];
    try {
      const seen: string[] = [];
      for (const server of servers) {
        await reserveAppURL();
        const app = await startApp(
          new BitbucketOAuth2Strategy({ ...client, baseURL: server.url, callbackURL: appCallbackURL() }, verify),
        );
        const { callback } = await login(app.agent());
        seen.push(JSON.stringify(callback?.body.user));
        await app.close();
      }
      expect(seen).toEqual(servers.map((s) => JSON.stringify({ id: '1', baseURL: s.url })));
    } finally {
      for (const server of servers) await server.close();
    }
  });
});

describe('emails[0] is a verified address whenever the user has one', () => {
  it('orders: verified primary, other verified, unverified primary, other unverified', () => {
    const ordered = orderEmails([
      { value: 'u@x.io', primary: false, verified: false },
      { value: 'up@x.io', primary: true, verified: false },
      { value: 'v@x.io', primary: false, verified: true },
    ]);
    expect(ordered.map((e) => e.value)).toEqual(['v@x.io', 'up@x.io', 'u@x.io']);
    expect(
      orderEmails([
        { value: 'v@x.io', primary: false, verified: true },
        { value: 'vp@x.io', primary: true, verified: true },
      ])[0]?.value,
    ).toBe('vp@x.io');
  });

  it('holds through a whole sign-in for a user whose primary address is unconfirmed', async () => {
    const user = {
      ...DEFAULT_USERS[0]!,
      emails: [
        { email: 'new-primary@example.com', primary: true, confirmed: false },
        { email: 'proven@example.com', primary: false, confirmed: true },
      ],
    };
    const mock = await createMockBitbucket({ autoApprove: true, users: [user] });
    await reserveAppURL();
    const emails: string[] = [];
    const app = await startApp(
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => {
        emails.push(...profile.emails.map((e) => `${e.value}:${e.primary}:${e.verified}`));
        done(null, { id: profile.id });
      }),
    );
    try {
      await login(app.agent());
      expect(emails).toEqual(['proven@example.com:false:true', 'new-primary@example.com:true:false']);
    } finally {
      await app.close();
      await mock.close();
    }
  });
});

describe('Data Center under a context path (https://host/bitbucket)', () => {
  it('keeps every call and the avatar under the base URL, without repeating the path', async () => {
    const mock = await createMockBitbucket({ autoApprove: true, dataCenterPath: '/bitbucket' });
    await reserveAppURL();
    const photos: string[] = [];
    const baseURL = `${mock.url}/bitbucket`;
    const app = await startApp(
      new BitbucketOAuth2Strategy({ ...client, baseURL, callbackURL: appCallbackURL() }, (_a, _r, profile, done) => {
        photos.push(...profile.photos.map((p) => p.value));
        done(null, { id: profile.id, baseURL: profile.baseURL });
      }),
    );
    try {
      const { callback } = await login(app.agent());
      expect(callback?.body.user).toEqual({ id: '1', baseURL });
      expect(photos).toHaveLength(1);
      expect(photos[0]).toMatch(new RegExp(`^${baseURL}/users/jdoe/avatar\\.png`));
      expect(mock.dataCenterPathMisses).toBe(0);
    } finally {
      await app.close();
      await mock.close();
    }
  });

  it('resolves a relative avatarUrl under the context path, and one that already carries it as it is', async () => {
    const { parseDataCenterProfile } = await import('passport-bitbucket-oauth');
    const base = 'https://host.example/bitbucket';
    const user = { id: 1, name: 'jdoe', slug: 'jdoe' };
    const photo = (avatarUrl: string): string | undefined =>
      parseDataCenterProfile({ ...user, avatarUrl }, base).photos[0]?.value;
    expect(photo('/users/jdoe/avatar.png?s=256')).toBe('https://host.example/bitbucket/users/jdoe/avatar.png?s=256');
    expect(photo('/bitbucket/users/jdoe/avatar.png')).toBe('https://host.example/bitbucket/users/jdoe/avatar.png');
    expect(photo('https://cdn.example/a.png')).toBe('https://cdn.example/a.png');
    expect(
      parseDataCenterProfile({ ...user, avatarUrl: '/users/jdoe/a.png' }, 'https://h.example').photos[0]?.value,
    ).toBe('https://h.example/users/jdoe/a.png');
  });
});
