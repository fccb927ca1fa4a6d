import { BitbucketStrategy, InternalOAuthError, TokenError, type RequestTokenStore } from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT } from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { reserveAppURL, startApp } from '../support/app';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { approveWithoutReturning, callsTo, cloudOptions, JANE, useCloud } from './helpers';

guardProcess();

// One text for both: a browser cannot tell a foreign sign-in from one it already finished.
const NOT_THIS_BROWSER =
  'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.';
const NOT_IN_PROGRESS = NOT_THIS_BROWSER;
const EXPIRED = 'The sign-in link has expired or was already used. Please sign in again.';

describe('a callback that does not belong to the browser delivering it', () => {
  const harness = useCloud();

  it("fails in browser B, which has its own sign-in going, when B is handed browser A's token and verifier", async () => {
    const { app, bitbucket, verified } = harness();
    const a = app.agent();
    const b = app.agent();
    const callbackOfA = await approveWithoutReturning(a);
    await b.get('/login'); // B gets a different request token in its own session
    const tokens = callsTo(bitbucket, 'requestToken');
    expect(tokens).toHaveLength(2);
    const atB = await b.get(callbackOfA);
    expect(atB.status).toBe(302);
    expect(atB.headers.location).toBe('/failed');
    expect((await followApp(b, atB)).body).toEqual({ messages: [NOT_THIS_BROWSER] });
    expect((await b.get('/me')).body).toEqual({ user: null });
    expect(callsTo(bitbucket, 'accessToken')).toEqual([]);
    expect(verified).toEqual([]);
    // The token was never spent, so the browser it belongs to can still finish its sign-in.
    const atA = await a.get(callbackOfA);
    expect(atA.body.user).toEqual({ id: JANE.uuid, email: 'jane@example.com' });
  });

  it('fails in a browser with no session at all (no cookie), cleanly: a redirect to failureRedirect, not a 500', async () => {
    const { app, bitbucket } = harness();
    const callbackOfA = await approveWithoutReturning(app.agent());
    const stranger = app.agent();
    const res = await stranger.get(callbackOfA);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/failed');
    expect((await followApp(stranger, res)).body).toEqual({ messages: [NOT_IN_PROGRESS] });
    expect(callsTo(bitbucket, 'accessToken')).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it('fails a made-up token delivered without any cookie, without calling Bitbucket', async () => {
    const { app, bitbucket } = harness();
    const res = await request(app.url).get('/callback?oauth_token=forged&oauth_verifier=forged');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/failed');
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(/^connect\.sid=/)]); // failureMessage is kept in a new session
    expect(bitbucket.requests).toEqual([]);
    expect(app.errors).toEqual([]);
  });
});

describe('a verifier delivered twice (the callback URL replayed)', () => {
  const harness = useCloud();

  it('logs the user in once; the second delivery fails with a message and never reaches Bitbucket', async () => {
    const { app, bitbucket, verified } = harness();
    const agent = app.agent();
    const callbackURL = await approveWithoutReturning(agent);
    const first = await agent.get(callbackURL);
    expect(first.status).toBe(200);
    const second = await agent.get(callbackURL);
    expect(second.status).toBe(302);
    expect(second.headers.location).toBe('/failed');
    expect((await followApp(agent, second)).body).toEqual({ messages: [NOT_IN_PROGRESS] });
    expect(callsTo(bitbucket, 'accessToken')).toHaveLength(1);
    expect(verified).toHaveLength(1);
  });

  it('with a store that forgets nothing, Bitbucket refuses the spent token and the user still ends at failureRedirect', async () => {
    // A store keyed by token alone (like passport-oauth1's state store): the replay reaches Bitbucket.
    const secrets = new Map<string, string>();
    const store: RequestTokenStore = {
      get: (_req, token, cb) => cb(null, secrets.get(token) ?? false, { message: 'Unknown request token.' }),
      set: (_req, token, tokenSecret, cb) => {
        secrets.set(token, tokenSecret);
        cb();
      },
      destroy: (_req, _token, cb) => cb(),
    };
    const bitbucket = await createMockBitbucket({ autoApprove: true });
    await reserveAppURL();
    const app = await startApp(
      new BitbucketStrategy(cloudOptions(bitbucket, { store }), (_t, _s, profile, done) =>
        done(null, { id: profile.id }),
      ),
    );
    try {
      const callbackURL = await approveWithoutReturning(app.agent());
      expect((await app.agent().get(callbackURL)).body.user).toEqual({ id: JANE.uuid });
      const replay = app.agent();
      const second = await replay.get(callbackURL);
      expect(second.headers.location).toBe('/failed');
      expect((await followApp(replay, second)).body).toEqual({ messages: [EXPIRED] });
      // Bitbucket Cloud's answer to a spent request token is the plain text "Invalid request token.".
      expect(callsTo(bitbucket, 'accessToken')).toHaveLength(2);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
      await bitbucket.close();
    }
  });
});

describe('a wrong consumer secret', () => {
  it("reaches the error handler as a TokenError carrying Bitbucket's plain-text answer, and never the secret", async () => {
    const bitbucket = await createMockBitbucket({ autoApprove: true });
    const secret = 'wrong-secret-d4f1e2';
    await reserveAppURL();
    const app = await startApp(
      new BitbucketStrategy(cloudOptions(bitbucket, { consumerSecret: secret }), (_t, _s, profile, done) =>
        done(null, profile),
      ),
    );
    try {
      const res = await app.agent().get('/login');
      expect(res.status).toBe(500);
      // NOTE: a TokenError, not an InternalOAuthError: Bitbucket did answer (401 "Could not verify OAuth
      // request."), and parseErrorResponse reads any answer with a body into a TokenError. An
      // InternalOAuthError is for calls that got no usable answer at all (see failures.test.ts).
      expect(app.errors).toHaveLength(1);
      const err = app.errors[0] as TokenError;
      expect(err).toBeInstanceOf(TokenError);
      expect(err).not.toBeInstanceOf(InternalOAuthError);
      expect({ message: err.message, code: err.code, status: err.status }).toEqual({
        message: 'Could not verify OAuth request.',
        code: 'invalid_request',
        status: 401,
      });
      expect(res.body).toEqual({
        name: 'TokenError',
        message: 'Could not verify OAuth request.',
        code: 'invalid_request',
        status: 401,
      });
      for (const text of [err.message, String(err), err.stack ?? '', res.text]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(DEFAULT_CLIENT.clientSecret);
      }
      expect(callsTo(bitbucket, 'requestToken')).toHaveLength(1);
    } finally {
      await app.close();
      await bitbucket.close();
    }
  });
});

describe('an app without session middleware', () => {
  it('cannot start a sign-in, and says why', async () => {
    const bitbucket = await createMockBitbucket({ autoApprove: true });
    await reserveAppURL();
    const app = await startApp(
      new BitbucketStrategy(cloudOptions(bitbucket), (_t, _s, profile, done) => done(null, profile)),
      {
        withoutSession: true,
      },
    );
    try {
      expect((await request(app.url).get('/login')).status).toBe(500);
      expect((await request(app.url).get('/callback?oauth_token=t&oauth_verifier=v')).status).toBe(500);
      const message =
        'Bitbucket sign-in needs a session to keep its state between the redirects: add express-session (or another session middleware) before passport.';
      expect(app.errors.map((e) => e.message)).toEqual([message, message]);
      expect(callsTo(bitbucket, 'accessToken')).toEqual([]);
    } finally {
      await app.close();
      await bitbucket.close();
    }
  });
});

describe('a callback with an empty oauth_verifier', () => {
  const harness = useCloud();

  it('counts as a callback without one: failureRedirect, no login, and the token is not spent at Bitbucket', async () => {
    const { app, bitbucket } = harness();
    const agent = app.agent();
    const callbackURL = new URL(await approveWithoutReturning(agent), app.url);
    callbackURL.searchParams.set('oauth_verifier', '');
    const res = await agent.get(`${callbackURL.pathname}${callbackURL.search}`);
    expect(res.headers.location).toBe('/failed');
    expect((await followApp(agent, res)).body).toEqual({
      messages: ['Bitbucket sent you back without authorizing the sign-in.'],
    });
    expect((await agent.get('/me')).body).toEqual({ user: null });
    expect(callsTo(bitbucket, 'accessToken')).toEqual([]);
  });
});

describe('the flow after a failed sign-in', () => {
  const harness = useCloud();

  it('a user sent to failureRedirect can sign in again from the start', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('oauth1Authorize', { kind: 'deny' }, { times: 1 });
    const agent = app.agent();
    const denied = await login(agent);
    expect(denied.callback?.headers.location).toBe('/failed');
    const again = await login(agent);
    expect(again.callback?.body.user).toEqual({ id: JANE.uuid, email: 'jane@example.com' });
  });
});
