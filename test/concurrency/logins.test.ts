/**
 * 1,000 sign-ins of 1,000 distinct Bitbucket users, 50 at a time, through ONE app and ONE strategy
 * instance: every browser ends up signed in as its own user (no cross-talk), nothing fails, and
 * afterwards no timer or socket is left behind.
 */
import * as http from 'node:http';
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket, type MockUser } from 'passport-bitbucket-oauth/testing';
import { appCallbackURL, reserveAppURL, startApp, type TestApp } from '../support/app';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';

const strategyAgent = new http.Agent({ keepAlive: true });

guardProcess();

const USERS = 1000;
const CONCURRENCY = 50;

/** 1,000 users, each distinct in every field the profile carries. */
function generatedUsers(): MockUser[] {
  return Array.from({ length: USERS }, (_, i) => {
    const hex = i.toString(16).padStart(12, '0');
    return {
      uuid: `{0c0c0c0c-0000-4000-8000-${hex}}`,
      accountId: `5c${hex}${hex.slice(0, 10)}`,
      username: `user-${i}`,
      nickname: `User ${i}`,
      displayName: `User Number${i}`,
      emails: [
        { email: `user-${i}@example.com`, primary: true, confirmed: true },
        { email: `other-${i}@example.org`, primary: false, confirmed: i % 2 === 0 },
      ],
    };
  });
}

/** Live handles by type (`Timeout`, `TCPSocketWrap`, `TCPServerWrap`, …). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Lets sockets that were just destroyed finish closing on both ends. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Runs `task` over 0..n-1 with at most `limit` in flight. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

interface SignedIn {
  id: string;
  username: string | undefined;
  email: string | undefined;
}

describe('1,000 concurrent sign-ins through one strategy', () => {
  let mock: MockBitbucket;
  let app: TestApp;
  let before: Record<string, number>;

  beforeAll(async () => {
    // Pooled sockets of earlier test files would blur the counts.
    http.globalAgent.destroy();
    await settle();
    before = handles();
    mock = await createMockBitbucket({ autoApprove: true, users: generatedUsers() });
    await reserveAppURL();
    const strategy = new BitbucketOAuth2Strategy(
      {
        ...mock.oauth2Endpoints(),
        clientID: 'mock-client-id',
        clientSecret: 'mock-client-secret',
        callbackURL: appCallbackURL(),
        timeout: 5000,
        // The strategy's keep-alive connections, in an agent this test can close before counting handles.
        agent: strategyAgent,
        preconnect: true,
      },
      (_accessToken, _refreshToken, profile, done) => {
        const user: SignedIn = { id: profile.id, username: profile.username, email: profile.emails[0]?.value };
        done(null, user);
      },
    );
    app = await startApp(strategy);
  });
  afterAll(async () => {
    // Idempotent: the test closes both itself; this only matters when it failed half-way.
    await app.close();
    await mock.close();
  });

  it(`signs in ${USERS} distinct users at concurrency ${CONCURRENCY}: each browser as its own user, no errors, nothing left behind`, async () => {
    const started = handles();
    const problems: string[] = [];
    const agents: ReturnType<TestApp['agent']>[] = [];
    let inFlight = 0;
    let peak = 0;

    await pool(USERS, CONCURRENCY, async (i) => {
      const user = mock.users[i]!;
      const agent = app.agent();
      agents.push(agent);
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        const { callback } = await login(agent, { mockUser: user.username });
        const expected: SignedIn = { id: user.uuid, username: user.username, email: user.emails[0]!.email };
        if (callback?.status !== 200) {
          problems.push(`#${i}: callback ${callback?.status} ${callback?.text.slice(0, 200)}`);
          return;
        }
        if (JSON.stringify(callback.body.user) !== JSON.stringify(expected)) {
          problems.push(`#${i}: signed in as ${JSON.stringify(callback.body.user)}`);
        }
        const me = await agent.get('/me');
        if (JSON.stringify(me.body.user) !== JSON.stringify(expected)) {
          problems.push(`#${i}: /me is ${JSON.stringify(me.body.user)}`);
        }
      } catch (err) {
        problems.push(`#${i}: ${String(err)}`);
      } finally {
        inFlight--;
      }
    });

    expect(problems).toEqual([]);
    expect(app.errors).toEqual([]);
    expect(agents).toHaveLength(USERS);
    expect(peak).toBe(CONCURRENCY);
    // One code exchange and one profile read per sign-in, each for its own user.
    const exchanges = mock.requests.filter((r) => r.endpoint === 'token');
    expect(exchanges).toHaveLength(USERS);
    expect(new Set(exchanges.map((r) => new URLSearchParams(r.body).get('code'))).size).toBe(USERS);
    const bearers = mock.requests.filter((r) => r.endpoint === 'user').map((r) => r.headers.authorization);
    expect(new Set(bearers).size).toBe(USERS);

    // Every request is over: no socket is in use, none is waiting for one.
    const agent = http.globalAgent as http.Agent & { requests: Record<string, unknown[]> };
    expect(Object.values(agent.sockets).flat()).toEqual([]);
    expect(Object.values(agent.requests).flat()).toEqual([]);
    // Close the browsers' (and the strategy's) idle keep-alive sockets, then count what is left.
    agent.destroy();
    strategyAgent.destroy();
    await settle();
    const after = handles();
    expect(after.Timeout ?? 0).toBeLessThanOrEqual((started.Timeout ?? 0) + 2);
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual((started.TCPSocketWrap ?? 0) + 2);
    expect(after.TCPServerWrap).toBe(started.TCPServerWrap);

    // The mock and the app close cleanly and promptly.
    let timer: NodeJS.Timeout | undefined;
    const closed = Promise.all([app.close(), mock.close()]).then(() => 'closed');
    const late = new Promise<string>((resolve) => (timer = setTimeout(resolve, 5000, 'still open')));
    expect(await Promise.race([closed, late])).toBe('closed');
    clearTimeout(timer);
    await expect(fetch(`${mock.url}/2.0/user`)).rejects.toThrow();
    await expect(fetch(`${app.url}/me`)).rejects.toThrow();
    await settle();
    const closedCounts = handles();
    for (const type of ['TCPServerWrap', 'TCPSocketWrap'] as const) {
      expect(closedCounts[type] ?? 0).toBeLessThanOrEqual((before[type] ?? 0) + 1);
    }
    expect(closedCounts.Timeout ?? 0).toBeLessThanOrEqual((before.Timeout ?? 0) + 2);
  }, 120_000);
});
