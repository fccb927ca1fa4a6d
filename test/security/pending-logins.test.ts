/**
 * Several sign-ins pending in one browser (tabs, repeated clicks), each with its own state, over OAuth 2.0:
 * they never break each other, a forged or stale callback touches none of them, and everything holds with a
 * session store that keeps nothing but JSON (as Redis or PostgreSQL do).
 */
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp } from '../support/app';
import { followApp, lastMessage } from '../support/flow';
import { JSONSessionStore } from '../support/json-session-store';
import { guardProcess } from '../support/process-guard';
import { authorizeOnly, cloudOptions, requestsTo, sleep, useHarness } from '../oauth2/helpers';

guardProcess();

const NOT_THIS_BROWSER =
  'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.';
const TOOK_TOO_LONG = 'The Bitbucket sign-in took too long and has expired. Please sign in again.';

/** `?state=` of a callback path. */
const stateOf = (path: string): string => new URL(path, 'http://x').searchParams.get('state') ?? '';

describe.each([
  ['express-session MemoryStore', (): JSONSessionStore | undefined => undefined],
  ['a session store that keeps only JSON', (): JSONSessionStore | undefined => new JSONSessionStore()],
])('several pending sign-ins in one browser, with %s', (_name, store) => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock, { pendingLoginMaxAge: 2000 }), (_a, _r, profile, done) =>
        done(null, { id: profile.id, username: profile.username }),
      ),
    { app: { sessionStore: store() } },
  );

  it('two tabs of one person, the first started finishing first: both sign in', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const first = await authorizeOnly(agent, mock);
    const second = await authorizeOnly(agent, mock);
    expect(stateOf(first)).not.toBe(stateOf(second));
    expect((await agent.get(first)).body.user).toMatchObject({ username: 'jdoe' });
    expect((await agent.get(second)).body.user).toMatchObject({ username: 'jdoe' });
    expect(app.errors).toEqual([]);
  });

  it('two tabs of one person, the second started finishing first: both sign in', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const first = await authorizeOnly(agent, mock);
    const second = await authorizeOnly(agent, mock);
    expect((await agent.get(second)).body.user).toMatchObject({ username: 'jdoe' });
    expect((await agent.get(first)).body.user).toMatchObject({ username: 'jdoe' });
  });

  it('a tab that finishes as another account than the login before it fails, before verify, and the user stays', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const first = await authorizeOnly(agent, mock);
    const second = await authorizeOnly(agent, mock, 'mmails');
    expect((await agent.get(first)).body.user).toMatchObject({ username: 'jdoe' });
    const other = await agent.get(second);
    expect(lastMessage(await followApp(agent, other))).toBe(
      'This Bitbucket sign-in was started before another account signed in, in this browser. Please sign in again.',
    );
    expect((await agent.get('/me')).body.user).toMatchObject({ username: 'jdoe' });
  });

  it('three tabs finishing in a mixed order all sign in, each exactly once', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const paths = [
      await authorizeOnly(agent, mock),
      await authorizeOnly(agent, mock),
      await authorizeOnly(agent, mock),
    ];
    for (const i of [1, 2, 0]) expect((await agent.get(paths[i]!)).status).toBe(200);
    for (const path of paths) {
      expect(lastMessage(await followApp(agent, await agent.get(path)))).toBe(NOT_THIS_BROWSER);
    }
    expect(requestsTo(mock, 'token')).toHaveLength(3);
  });

  it('keeps at most eight: a ninth drops the oldest of the newer half, the four oldest stay', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const paths: string[] = [];
    for (let i = 0; i < 9; i += 1) paths.push(await authorizeOnly(agent, mock));
    const dropped = await agent.get(paths[4]!);
    expect(dropped.headers.location).toBe('/failed');
    expect((await followApp(agent, dropped)).body).toEqual({ messages: [NOT_THIS_BROWSER] });
    for (const i of [0, 1, 2, 3, 5, 6, 7, 8]) expect((await agent.get(paths[i]!)).status).toBe(200);
    expect(requestsTo(mock, 'token')).toHaveLength(8);
    expect(app.errors).toEqual([]);
  });

  it('a sign-in older than pendingLoginMaxAge fails with its own message, without asking Bitbucket', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const path = await authorizeOnly(agent, mock);
    await sleep(2100);
    const late = await agent.get(path);
    expect((await followApp(agent, late)).body).toEqual({ messages: [TOOK_TOO_LONG] });
    expect(requestsTo(mock, 'token')).toEqual([]);
  });

  it('a replayed callback of a finished sign-in fails, and Bitbucket is not asked again', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const path = await authorizeOnly(agent, mock);
    expect((await agent.get(path)).status).toBe(200);
    const replay = await agent.get(path);
    expect((await followApp(agent, replay)).body).toEqual({ messages: [NOT_THIS_BROWSER] });
    expect(requestsTo(mock, 'token')).toHaveLength(1);
  });

  it('a forged callback (bogus state, no state, or a bare error) in the middle of a real sign-in changes nothing', async () => {
    const { app, mock } = harness();
    const agent = app.agent();
    const real = await authorizeOnly(agent, mock);
    const code = new URL(real, 'http://x').searchParams.get('code') ?? '';
    const forgeries = [
      `/callback?code=${code}&state=forged`,
      `/callback?code=${code}`,
      '/callback?error=server_error&error_description=Call+0800+SCAM',
      '/callback?error=access_denied&state=forged',
    ];
    for (const forged of forgeries) {
      const failed = await followApp(agent, await agent.get(forged));
      expect(lastMessage(failed)).not.toContain('SCAM');
    }
    expect(requestsTo(mock, 'token')).toEqual([]);
    expect((await agent.get(real)).body.user).toMatchObject({ username: 'jdoe' });
  });

  it("shows Bitbucket's error_description only for a callback whose state is this browser's", async () => {
    const { app } = harness();
    const agent = app.agent();
    const start = await agent.get('/login');
    const state = new URL(String(start.headers.location)).searchParams.get('state') ?? '';
    const foreign = await followApp(agent, await agent.get('/callback?error=server_error&error_description=Spoof'));
    expect(foreign.body).toEqual({
      messages: ['Bitbucket did not complete a sign-in started in this browser. Please sign in again.'],
    });
    const own = await followApp(
      agent,
      await agent.get(`/callback?error=server_error&error_description=Down+for+maintenance&state=${state}`),
    );
    expect(lastMessage(own)).toBe('Bitbucket did not authorize the sign-in (server_error): Down for maintenance');
  });
});

describe('a sign-in started without any session middleware', () => {
  const harness = useHarness(
    (mock) => new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, profile)),
    { app: { withoutSession: true } },
  );

  it('is an error that says what is missing, at the first leg and at the callback', async () => {
    const { app } = harness();
    expect((await app.agent().get('/login')).status).toBe(500);
    expect((await app.agent().get('/callback?code=c&state=s')).status).toBe(500);
    expect((await app.agent().get('/callback?error=access_denied&state=s')).status).toBe(500);
    expect(app.errors.map((e) => e.message)).toEqual(
      Array(3).fill(
        'Bitbucket sign-in needs a session to keep its state between the redirects: add express-session (or another session middleware) before passport.',
      ),
    );
  });
});

describe("the app's own state (passport's `state` option) travels with its pending sign-in", () => {
  it('comes back as req.authInfo.state on success', async () => {
    const mock = await createMockBitbucket({ autoApprove: true });
    await reserveAppURL();
    const strategy = new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) =>
      done(null, { id: profile.id }),
    );
    const app = await startApp(strategy);
    try {
      // passport-oauth2 hands a non-string `state` option to the store; the test app's /login has none,
      // so the strategy is driven the way passport.authenticate(name, { state }) would drive it.
      const original = BitbucketOAuth2Strategy.prototype.authenticate;
      strategy.authenticate = function (this: BitbucketOAuth2Strategy, req, options) {
        original.call(this, req, { ...options, state: { returnTo: '/repos' } } as unknown as typeof options);
      };
      const agent = app.agent();
      const path = await authorizeOnly(agent, mock);
      expect((await agent.get(path)).body.authInfo).toEqual({ state: { returnTo: '/repos' } });
    } finally {
      await app.close();
      await mock.close();
    }
  });
});
