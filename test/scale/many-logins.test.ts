/**
 * 200 sign-ins of 200 different Bitbucket users, 20 at a time, every one starting on one instance
 * and finishing on the other (both directions, both protocols, interleaved), through one Redis:
 * each browser ends up signed in as its own user, never as another.
 */
import { createClient } from 'redis';
import { SESSION_PREFIX } from '../../examples/login/session-store';
import { isOwnUser, pool, scaleUsers, signIn, type Outcome, type Protocol, type SignIn } from './cluster';
import { quietConsole, report } from './quiet';
import { useRedisCluster } from './with-redis';

quietConsole();

const LOGINS = 200;
const CONCURRENCY = 20;
const users = scaleUsers(LOGINS);

/** Login i: protocol and direction cycle, so neighbours in time differ in both. */
function plan(i: number): SignIn {
  const protocol: Protocol = i % 4 < 2 ? 'oauth2' : 'oauth1';
  return { protocol, user: users[i]!, start: i % 2 === 0 ? 'A' : 'B', finish: i % 2 === 0 ? 'B' : 'A' };
}

const started = useRedisCluster(users);

it(`signs in ${LOGINS} different users across both instances, ${CONCURRENCY} at a time, each as themselves`, async () => {
  const outcomes: (Outcome | Error)[] = [];
  await pool(LOGINS, CONCURRENCY, async (i) => {
    outcomes[i] = await signIn(started().cluster, plan(i)).catch((err: unknown) =>
      err instanceof Error ? err : new Error(String(err)),
    );
  });

  const own = outcomes.filter((o, i) => isOwnUser(o, users[i]!)).length;
  const wrongUser = outcomes.filter(
    (o, i) => !(o instanceof Error) && o.kind === 'signed-in' && o.uuid !== users[i]!.uuid,
  ).length;
  const problems = outcomes
    .map((o, i) => (isOwnUser(o, users[i]!) ? null : `#${i}: ${o instanceof Error ? o.message : o.kind}`))
    .filter((line) => line !== null);
  report(
    `scale: ${LOGINS} cross-instance logins (concurrency ${CONCURRENCY}, Redis ${started().redis.version}): ` +
      `${own} signed in as themselves, ${problems.length} failures, ${wrongUser} wrong-user sign-ins`,
  );
  expect(problems).toEqual([]);
  expect(wrongUser).toBe(0);
  expect(own).toBe(LOGINS);
});

it('left exactly one session per signed-in browser in Redis, each holding its own user', async () => {
  const client = createClient({ url: started().redis.url });
  await client.connect();
  try {
    const keys = await client.keys(`${SESSION_PREFIX}*`);
    // Passport regenerates the session at sign-in: the pre-sign-in session is deleted, not left behind.
    expect(keys).toHaveLength(LOGINS);
    const sessions = await client.mGet(keys);
    const uuids = sessions.map((raw) => /"id":"(\{[^"]+\})"/.exec(raw ?? '')?.[1]);
    expect(new Set(uuids).size).toBe(LOGINS);
    expect(uuids.sort()).toEqual(users.map((u) => u.uuid).sort());
  } finally {
    await client.close();
  }
});
