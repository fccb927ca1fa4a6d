/**
 * Issue 19: what the strategies run with is exactly what the caller wrote, read once. A per-request relative
 * `callbackURL` is refused by OAuth 1.0a as by OAuth 2.0 (it would be completed from the Host header); an
 * option inherited from a polluted `Object.prototype` is ignored; a getter option is read exactly once, so the
 * value checked is the value used. Over real HTTP against the mock.
 */
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  type BitbucketOAuth2StrategyOptions,
  type BitbucketProfile,
} from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { cloudOptions, dataCenterOptions, requestsTo } from '../oauth2/helpers';
import { reserveAppURL, startApp, type TestApp } from '../support/app';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';

guardProcess();

/** Signs the user in under their Bitbucket id. */
function verify(
  _a: string,
  _r: string | undefined,
  profile: BitbucketProfile,
  done: (e: null, u: object) => void,
): void {
  done(null, { id: profile.id });
}

let mock: MockBitbucket;
let app: TestApp | undefined;
beforeEach(async () => {
  mock = await createMockBitbucket({ autoApprove: true });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await mock.close();
});

describe('OAuth 1.0a: a relative callbackURL given to passport.authenticate() at the first leg', () => {
  it('is refused with the TypeError OAuth 2.0 gives, before Bitbucket is asked for a request token', async () => {
    const passport = new Passport();
    passport.use(
      new BitbucketStrategy(
        {
          ...mock.oauth1Endpoints(),
          consumerKey: DEFAULT_CLIENT.clientId,
          consumerSecret: DEFAULT_CLIENT.clientSecret,
          callbackURL: 'http://127.0.0.1:3999/callback',
        },
        (_t, _s, profile, done) => done(null, { id: profile.id }),
      ),
    );
    const errors: Error[] = [];
    const web = express();
    web.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
    web.use(passport.initialize());
    web.get(
      '/login',
      passport.authenticate('bitbucket', { callbackURL: '/auth/cb' } as object) as express.RequestHandler,
    );
    web.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err);
      res.status(500).end();
    });
    const res = await request(web).get('/login').set('Host', 'evil.example');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(errors[0]?.message).toMatch(/^callbackURL must be an absolute http\(s\) URL .*got "\/auth\/cb"/);
    expect(requestsTo(mock, 'requestToken')).toEqual([]);
  });
});

describe('an option inherited from a polluted Object.prototype', () => {
  it('is ignored: the token request goes to the default endpoint, never to the inherited tokenURL', async () => {
    await reserveAppURL();
    const proto = Object.prototype as Record<string, unknown>;
    proto.tokenURL = 'http://127.0.0.1:9/stolen-codes';
    proto.workspaces = ['nobody-is-in-this-workspace'];
    try {
      app = await startApp(new BitbucketOAuth2Strategy(dataCenterOptions(mock), verify));
      const { callback } = await login(app.agent());
      expect(callback?.status).toBe(200);
      expect(requestsTo(mock, 'token')).toHaveLength(1);
    } finally {
      delete proto.tokenURL;
      delete proto.workspaces;
    }
  });
});

describe('a getter option', () => {
  it('is read exactly once, and the value read is the value used', async () => {
    await reserveAppURL();
    const options = cloudOptions(mock);
    const goodTokenURL = options.tokenURL;
    let reads = 0;
    const tricky: BitbucketOAuth2StrategyOptions = { ...options };
    Object.defineProperty(tricky, 'tokenURL', {
      enumerable: true,
      get: () => {
        reads += 1;
        // The first read passes every check; any later read would send the code elsewhere over http.
        return reads === 1 ? goodTokenURL : 'http://evil.example/token';
      },
    });
    app = await startApp(new BitbucketOAuth2Strategy(tricky, verify));
    expect(reads).toBe(1);
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(200);
    expect(requestsTo(mock, 'token')).toHaveLength(1);
    expect(reads).toBe(1);
  });

  it('a getter that throws is a TypeError naming the option', () => {
    const options: BitbucketOAuth2StrategyOptions = { ...cloudOptions(mock) };
    Object.defineProperty(options, 'timeout', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(() => new BitbucketOAuth2Strategy(options, verify)).toThrow(/timeout could not be read: boom/);
  });
});
