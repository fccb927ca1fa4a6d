/**
 * Eviction (issue 19, "Five navigations evict a sign-in in progress"): a hostile page can open the login route
 * as often as it likes while the victim is on Bitbucket's consent page. The victim's sign-in must survive
 * bursts of such starts, two genuine tabs must both still sign in, and the session must stay small.
 */
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import type request from 'supertest';
import type { TestAppOptions } from '../support/app';
import { JSONSessionStore } from '../support/json-session-store';
import { guardProcess } from '../support/process-guard';
import { authorizeOnly, cloudOptions, expectTwoTabsSignIn, useHarness } from '../oauth2/helpers';

guardProcess();

/** A hostile page navigating the browser to the login route `times` times (each a new pending sign-in). */
async function navigateToLogin(browser: request.Agent, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) expect((await browser.get('/login')).status).toBe(302);
}

const store = new JSONSessionStore();
const SESSIONS: [string, TestAppOptions][] = [
  ['express-session (a JSON store)', { sessionStore: store }],
  ['a get/set session like @fastify/secure-session', { fastifyLikeSession: 'secure' }],
  ['a session like @fastify/session (regenerate returns a promise)', { fastifyLikeSession: 'promise' }],
];

describe.each(SESSIONS)('foreign starts in one browser, on %s', (name, appOptions) => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) =>
        done(null, { id: profile.id, username: profile.username }),
      ),
    { app: appOptions },
  );

  it.each([5, 25])('keeps the victim’s sign-in through a burst of %i navigations to the login route', async (n) => {
    const { app, mock } = harness();
    const browser = app.agent();
    const victims = await authorizeOnly(browser, mock);
    await navigateToLogin(browser, n);
    expect((await browser.get(victims)).body.user).toMatchObject({ username: 'jdoe' });
  });

  it('signs two genuine tabs in, in either order, through a burst of 25 navigations', async () => {
    const { app, mock } = harness();
    await expectTwoTabsSignIn(app, mock, (browser) => navigateToLogin(browser, 25));
  });

  it('still lets the newest start finish after 200 navigations', async () => {
    const { app, mock } = harness();
    const browser = app.agent();
    await navigateToLogin(browser, 200);
    expect((await browser.get(await authorizeOnly(browser, mock))).body.user).toMatchObject({ username: 'jdoe' });
  });

  if (name.startsWith('express-session')) {
    it('keeps the session small: 200 navigations leave at most 8 pending sign-ins', async () => {
      const { app } = harness();
      store.saved.clear();
      await navigateToLogin(app.agent(), 200);
      const [saved] = [...store.saved.values()];
      const pending = Object.values(JSON.parse(saved ?? '{}') as Record<string, unknown>).filter(Array.isArray);
      expect(pending).toHaveLength(1);
      expect((pending[0] as unknown[]).length).toBeLessThanOrEqual(8);
    });
  }
});
