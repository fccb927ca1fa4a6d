/**
 * Redis killed and restarted (empty: no persistence) in the middle of a run of cross-instance
 * sign-ins. Each sign-in in flight ends cleanly: signed in as its own user, or the failure page with
 * a message (its pending login was lost with Redis), or the app's 503 page while Redis is away; no
 * 500, no hang past the request timeout, no crash. Once the clients have reconnected, sign-ins work.
 */
import { STORE_DOWN_MESSAGE } from '../../examples/login/session-store';
import { isOwnUser, pool, scaleUsers, signIn, type Outcome, type SignIn } from './cluster';
import { logged, quietConsole, report } from './quiet';
import { useRedisCluster } from './with-redis';

quietConsole();

const IN_RUN = 150;
const AFTER = 40;
const users = scaleUsers(IN_RUN + AFTER + 2);

function plan(i: number): SignIn {
  return {
    protocol: i % 3 === 0 ? 'oauth1' : 'oauth2',
    user: users[i]!,
    start: i % 2 === 0 ? 'A' : 'B',
    finish: i % 2 === 0 ? 'B' : 'A',
  };
}

/** A clean end: own user, a failure page with a message, or the 503 page that says the store is away. */
function isClean(o: Outcome | Error, i: number): boolean {
  if (o instanceof Error) return false;
  if (o.kind === 'signed-in') return isOwnUser(o, users[i]!);
  if (o.kind === 'unavailable') return o.message === STORE_DOWN_MESSAGE && o.answer.status === 503;
  // Signed in, then signed out by the restart before the page was read: the session went with Redis.
  if (o.kind === 'lost') return true;
  return o.message.length > 10;
}

function attempt(s: SignIn): Promise<Outcome | Error> {
  return signIn(started().cluster, s).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

/** Polls `condition` every 20 ms; throws after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const started = useRedisCluster(users);

it('ends every sign-in in flight cleanly while Redis restarts, and signs in again afterwards', async () => {
  const outcomes: (Outcome | Error)[] = [];
  let finished = 0;
  const run = pool(IN_RUN, 10, async (i) => {
    outcomes[i] = await attempt(plan(i));
    finished++;
  });
  await until(() => finished >= 20, 60_000, '20 sign-ins before the restart');
  const restarted = started().redis.restart(300);
  await Promise.all([run, restarted]);

  const count = (kind: Outcome['kind']): number =>
    outcomes.filter((o) => !(o instanceof Error) && o.kind === kind).length;
  const unclean = outcomes
    .map((o, i) =>
      isClean(o, i) ? null : `#${i}: ${o instanceof Error ? o.message : `${o.kind} ${JSON.stringify(o)}`}`,
    )
    .filter((line) => line !== null);
  const wrongUser = outcomes.filter(
    (o, i) => !(o instanceof Error) && o.kind === 'signed-in' && o.uuid !== users[i]!.uuid,
  ).length;
  report(
    `scale: Redis restarted during ${IN_RUN} logins: ${count('signed-in')} signed in, ${count('failed')} ended at ` +
      `the failure page, ${count('unavailable')} got the 503 page, ${count('lost')} lost their new session, ${unclean.length} unclean, ${wrongUser} wrong-user`,
  );
  expect(unclean).toEqual([]);
  expect(wrongUser).toBe(0);
  // The restart was felt (else this test would prove nothing) ...
  expect(count('failed') + count('unavailable')).toBeGreaterThan(0);
  // ... and logged by the app, once per outage and client, with no stack and no crash.
  expect(logged.some((line) => line.startsWith('[session-store]'))).toBe(true);
  expect(started().cluster.instances.A.server.listening && started().cluster.instances.B.server.listening).toBe(true);

  // Both clients reconnect by themselves: one sign-in each way soon succeeds ...
  for (const [start, finish] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    const s = { protocol: 'oauth2', user: users[IN_RUN]!, start, finish } as const;
    await until(async () => isOwnUser(await attempt(s), s.user), 15_000, `${start} → ${finish} again`);
  }
  // ... and then every one does.
  const after: (Outcome | Error)[] = [];
  await pool(AFTER, 10, async (i) => {
    after[i] = await attempt(plan(IN_RUN + i));
  });
  const ok = after.filter((o, i) => isOwnUser(o, users[IN_RUN + i]!)).length;
  report(`scale: after the restart ${ok} of ${AFTER} logins signed in as themselves`);
  expect(ok).toBe(AFTER);
});

it('answers a sign-in with the 503 page while Redis is down, not a hang (every request has a timeout)', async () => {
  await started().redis.stop();
  try {
    const outcome = await attempt({ protocol: 'oauth2', user: users[IN_RUN + 1]!, start: 'A', finish: 'B' });
    expect(outcome).toMatchObject({ kind: 'unavailable', message: STORE_DOWN_MESSAGE });
  } finally {
    await started().redis.restart(0);
  }
});

it('answers with the 503 page when Redis hangs, not a hang of its own (each store call has a deadline)', async () => {
  const s = { protocol: 'oauth1', user: users[IN_RUN + 1]!, start: 'B', finish: 'A' } as const;
  // Both clients connected again after the previous test's restart, so the pause is what the next one meets.
  await until(async () => isOwnUser(await attempt(s), s.user), 15_000, 'a sign-in before the pause');
  started().redis.signal('SIGSTOP');
  try {
    expect(await attempt(s)).toMatchObject({ kind: 'unavailable', message: STORE_DOWN_MESSAGE });
  } finally {
    started().redis.signal('SIGCONT');
  }
  // The late answers of the timed-out commands are dropped, not mistaken for the next ones' answers.
  await until(async () => isOwnUser(await attempt(s), s.user), 15_000, 'a sign-in after the pause');
  expect(isOwnUser(await attempt(s), s.user)).toBe(true);
});
