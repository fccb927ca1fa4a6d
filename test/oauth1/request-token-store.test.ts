import type { Request } from 'express';
import { BitbucketStrategy, type RequestTokenStore } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp, type TestApp } from '../support/app';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { callsTo, cloudOptions, JANE, oauthParamsOf } from './helpers';

guardProcess();

/** A store keyed by request token that records how the strategy uses it. */
class RecordingStore implements RequestTokenStore {
  readonly calls: string[] = [];
  private readonly secrets = new Map<string, string>();

  get(
    _req: Request,
    token: string,
    cb: (err: Error | null, tokenSecret?: string | false, info?: object) => void,
  ): void {
    this.calls.push(`get ${token}`);
    cb(null, this.secrets.get(token) ?? false, { message: 'Unknown request token.' });
  }

  set(_req: Request, token: string, tokenSecret: string, cb: (err?: Error | null) => void): void {
    this.calls.push(`set ${token}`);
    this.secrets.set(token, tokenSecret);
    cb();
  }

  destroy(_req: Request, token: string, cb: (err?: Error | null) => void): void {
    this.calls.push(`destroy ${token}`);
    this.secrets.delete(token);
    cb();
  }
}

describe('a custom request-token store given as the store option', () => {
  let bitbucket: MockBitbucket;
  let app: TestApp;
  let store: RecordingStore;

  beforeEach(async () => {
    bitbucket = await createMockBitbucket({ autoApprove: true });
    store = new RecordingStore();
    await reserveAppURL();
    const strategy = new BitbucketStrategy(cloudOptions(bitbucket, { store }), (_t, _s, profile, done) =>
      done(null, { id: profile.id }),
    );
    // No session middleware at all: only the custom store can carry the request token across the redirect.
    app = await startApp(strategy, {
      withoutSession: true,
      callbackOptions: { session: false, failureMessage: false },
    });
  });
  afterEach(async () => {
    await app.close();
    await bitbucket.close();
  });

  it('keeps the request token between the two legs: set, then get and destroy with the token Bitbucket sent back', async () => {
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: JANE.uuid });
    const token = oauthParamsOf(callsTo(bitbucket, 'accessToken')[0]).oauth_token;
    expect(store.calls).toEqual([`set ${token}`, `get ${token}`, `destroy ${token}`]);
  });

  it("decides whether a callback is known: an unknown token fails with the store's message", async () => {
    const res = await app.agent().get('/callback?oauth_token=unknown&oauth_verifier=v');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/failed');
    expect(store.calls).toEqual(['get unknown']);
    expect(callsTo(bitbucket, 'accessToken')).toEqual([]);
  });
});

describe('a custom store that fails', () => {
  it('sends its errors to the error handler, at either leg', async () => {
    const bitbucket = await createMockBitbucket({ autoApprove: true });
    const broken: RequestTokenStore = {
      get: (_req, _token, cb) => cb(new Error('store unavailable (get)')),
      set: (_req, _token, _secret, cb) => cb(new Error('store unavailable (set)')),
      destroy: (_req, _token, cb) => cb(new Error('store unavailable (destroy)')),
    };
    await reserveAppURL();
    const app = await startApp(
      new BitbucketStrategy(cloudOptions(bitbucket, { store: broken }), (_t, _s, p, done) => done(null, p)),
    );
    try {
      expect((await app.agent().get('/login')).status).toBe(500);
      expect((await app.agent().get('/callback?oauth_token=t&oauth_verifier=v')).status).toBe(500);
      expect(app.errors.map((e) => e.message)).toEqual(['store unavailable (set)', 'store unavailable (get)']);
    } finally {
      await app.close();
      await bitbucket.close();
    }
  });
});
