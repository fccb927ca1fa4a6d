/**
 * Session fixation (issue 18): an attacker plants their session cookie in the victim's browser with a sign-in
 * of their own pending in it. Passport regenerates the session at the victim's login so that a fixated session
 * gives the attacker nothing afterwards; the pending sign-ins carried across that regeneration (ours, or
 * everything with keepSessionInfo) must not give the attacker a way to swap the victim into their account.
 * Run on express-session and on a get/set Proxy session like @fastify/secure-session's, with keepSessionInfo
 * off and on.
 */
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import type { TestAppOptions } from '../support/app';
import { guardProcess } from '../support/process-guard';
import { approveWithoutReturning, startCloud, type CloudHarness } from '../oauth1/helpers';
import { authorizeOnly, cloudOptions, expectTwoTabsSignIn, useHarness } from '../oauth2/helpers';

guardProcess();

/**
 * One browser holding the attacker's planted session with the attacker's sign-in (as mmails) pending in it; the
 * victim (jdoe) signs in there. Returns the browser and the attacker's callback URL, not yet visited.
 */
async function victimSignsInOverAttackers(
  app: ReturnType<ReturnType<typeof useHarness>>['app'],
  mock: ReturnType<ReturnType<typeof useHarness>>['mock'],
): Promise<{ browser: ReturnType<typeof app.agent>; attackers: string }> {
  const browser = app.agent();
  const attackers = await authorizeOnly(browser, mock, 'mmails');
  const victims = await authorizeOnly(browser, mock, 'jdoe');
  expect((await browser.get(victims)).body.user).toMatchObject({ username: 'jdoe' });
  return { browser, attackers };
}

const SESSIONS: [string, TestAppOptions][] = [
  ['express-session', {}],
  ['a get/set session like @fastify/secure-session', { fastifyLikeSession: 'secure' }],
  ['a session like @fastify/session (regenerate returns a promise)', { fastifyLikeSession: 'promise' }],
];
const CASES = SESSIONS.flatMap(([name, app]) =>
  [false, true].map((keepSessionInfo) => [name, keepSessionInfo, app] as const),
);

describe.each(CASES)('a fixated session, on %s, keepSessionInfo %s', (_name, keepSessionInfo, appOptions) => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) =>
        done(null, { id: profile.id, username: profile.username }),
      ),
    { app: { ...appOptions, callbackOptions: { keepSessionInfo } } },
  );

  it("does not let the attacker's pending sign-in swap the victim into the attacker's account after the victim's login", async () => {
    const { app, mock } = harness();
    const { browser, attackers } = await victimSignsInOverAttackers(app, mock);

    const swap = await browser.get(attackers);
    expect(swap.headers.location).toBe('/failed');
    expect((await browser.get('/me')).body.user).toMatchObject({ username: 'jdoe' });
    expect(app.errors).toEqual([]);
  });

  it('does not either when the attacker had signed in with that session first', async () => {
    const { app, mock } = harness();
    const browser = app.agent();
    const attackersFirst = await authorizeOnly(browser, mock, 'mmails');
    const attackersSecond = await authorizeOnly(browser, mock, 'mmails');
    expect((await browser.get(attackersFirst)).body.user).toMatchObject({ username: 'mmails' });

    const victims = await authorizeOnly(browser, mock, 'jdoe');
    expect((await browser.get(victims)).body.user).toMatchObject({ username: 'jdoe' });
    const swap = await browser.get(attackersSecond);
    expect(swap.headers.location).toBe('/failed');
    expect((await browser.get('/me')).body.user).toMatchObject({ username: 'jdoe' });
  });

  it('still signs one person in from two tabs, in either order', async () => {
    const { app, mock } = harness();
    await expectTwoTabsSignIn(app, mock);
    expect(app.errors).toEqual([]);
  });
});

describe.each([false, true])(
  'a fixated session, OAuth 1.0a on express-session, keepSessionInfo %s',
  (keepSessionInfo) => {
    let h: CloudHarness;
    beforeEach(async () => {
      h = await startCloud({ app: { callbackOptions: { keepSessionInfo } } });
    });
    afterEach(async () => {
      await h.close();
    });

    it("does not let the attacker's pending sign-in swap the victim into the attacker's account", async () => {
      const browser = h.app.agent();
      const attackers = await approveWithoutReturning(browser, 'mmails');
      const victims = await approveWithoutReturning(browser, 'jdoe');
      expect((await browser.get(victims)).body.user).toMatchObject({ email: 'jane@example.com' });
      expect((await browser.get(attackers)).headers.location).toBe('/failed');
      expect((await browser.get('/me')).body.user).toMatchObject({ email: 'jane@example.com' });
    });
  },
);

describe('a fixated session, with skipUserProfile deciding per login', () => {
  // The app reads the profile only when it asks to: the attacker's callback then skips it.
  let skip = false;
  const harness = useHarness((mock) => {
    const skipUserProfile = (_accessToken: string, done: (err: Error | null, skip: boolean) => void): void =>
      done(null, skip);
    // NOTE: with the profile skipped, passport-oauth2 calls verify without one (the type says a profile is always there).
    return new BitbucketOAuth2Strategy({ ...cloudOptions(mock), skipUserProfile }, (accessToken, _r, profile, done) => {
      const read = profile as typeof profile | undefined;
      done(null, read ? { username: read.username } : { token: accessToken });
    });
  });
  afterEach(() => {
    skip = false;
  });

  it("refuses the attacker's carried sign-in when it would finish without a profile to check", async () => {
    const { app, mock } = harness();
    const { browser, attackers } = await victimSignsInOverAttackers(app, mock);

    skip = true;
    const swap = await browser.get(attackers);
    expect(swap.headers.location).toBe('/failed');
    expect((await browser.get('/failed')).body.messages).toContain(
      'This Bitbucket sign-in was started before another account signed in, in this browser. Please sign in again.',
    );
    expect((await browser.get('/me')).body.user).toMatchObject({ username: 'jdoe' });
  });

  it('still signs in without a profile when no other account signed in first', async () => {
    const { app, mock } = harness();
    skip = true;
    const browser = app.agent();
    const own = await authorizeOnly(browser, mock, 'jdoe');
    expect((await browser.get(own)).body.user).toEqual({ token: expect.any(String) as string });
  });
});
