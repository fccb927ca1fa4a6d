/**
 * Two instances of examples/login sharing one real Redis (connect-redis): a sign-in that starts on
 * one instance finishes on the other, in both directions and with both protocols, also through the
 * round-robin proxy and with two tabs of one browser. Without a shared store (MemoryStore), the same
 * flow ends at the failure page with a message, never a 500.
 */
import { createClient } from 'redis';
import { SESSION_PREFIX } from '../../examples/login/session-store';
import { Browser } from './browser';
import { begin, finish, isOwnUser, scaleUsers, signIn, startCluster, type Cluster, type Protocol } from './cluster';
import { quietConsole } from './quiet';
import { useRedisCluster } from './with-redis';

quietConsole();

const users = scaleUsers(20);
const PROTOCOLS: Protocol[] = ['oauth2', 'oauth1'];

describe('with a shared Redis', () => {
  const started = useRedisCluster(users);

  describe.each(PROTOCOLS)('%s', (protocol) => {
    it.each([
      ['A', 'B'],
      ['B', 'A'],
    ] as const)('starts on %s and finishes on %s, signed in on both', async (start, end) => {
      const user = users[protocol === 'oauth2' ? 1 : 2]!;
      const browser = new Browser();
      const outcome = await signIn(started().cluster, { protocol, user, start, finish: end }, browser);
      expect(outcome).toMatchObject({ kind: 'signed-in', name: user.displayName, uuid: user.uuid });
      // The finishing instance sees the same session too.
      const home = await browser.visit(`${started().cluster.instances[end].url}/`);
      expect(home.text).toContain(user.uuid);
    });
  });

  it('keeps sessions in Redis under the prefix, expiring with the cookie (8 hours)', async () => {
    const user = users[3]!;
    await signIn(started().cluster, { protocol: 'oauth2', user, start: 'A', finish: 'B' });
    const client = createClient({ url: started().redis.url });
    await client.connect();
    try {
      const keys = await client.keys(`${SESSION_PREFIX}*`);
      const withUser = [];
      for (const key of keys) if ((await client.get(key))?.includes(user.uuid)) withUser.push(key);
      expect(withUser).toHaveLength(1);
      const ttl = await client.ttl(withUser[0]!);
      expect(ttl).toBeGreaterThan(8 * 3600 - 120);
      expect(ttl).toBeLessThanOrEqual(8 * 3600);
    } finally {
      await client.close();
    }
  });

  it('signs in through the round-robin proxy, whichever instance each leg lands on', async () => {
    const landed = new Set<string>();
    for (const [i, user] of users.slice(4, 12).entries()) {
      const outcome = await signIn(started().cluster, {
        protocol: PROTOCOLS[i % 2]!,
        user,
        start: 'proxy',
        finish: 'proxy',
      });
      expect(isOwnUser(outcome, user)).toBe(true);
      landed.add(outcome.answer.upstream ?? '?');
    }
    expect([...landed].sort()).toEqual(['A', 'B']);
  });

  it.each(PROTOCOLS)(
    '%s: two tabs of one browser, each started on one instance and finished on the other',
    async (protocol) => {
      const user = users[12]!;
      const browser = new Browser();
      const tab1 = { protocol, user, start: 'A', finish: 'B' } as const;
      const tab2 = { protocol, user, start: 'B', finish: 'A' } as const;
      const url1 = await begin(browser, started().cluster, tab1);
      const url2 = await begin(browser, started().cluster, tab2);
      expect(typeof url1).toBe('string');
      expect(typeof url2).toBe('string');
      // The second tab finishes first, then the first: both pending logins are in the one session.
      expect(await finish(browser, started().cluster, tab2, url2 as string)).toMatchObject({
        kind: 'signed-in',
        uuid: user.uuid,
      });
      expect(await finish(browser, started().cluster, tab1, url1 as string)).toMatchObject({
        kind: 'signed-in',
        uuid: user.uuid,
      });
    },
  );
});

describe('with MemoryStore (no REDIS_URL)', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ users });
  });
  afterAll(() => cluster.close());

  it.each(PROTOCOLS)('%s: a sign-in that finishes on the instance that started it works', async (protocol) => {
    const user = users[13]!;
    const outcome = await signIn(cluster, { protocol, user, start: 'A', finish: 'A', readFrom: 'A' });
    expect(isOwnUser(outcome, user)).toBe(true);
  });

  it.each(PROTOCOLS)(
    '%s: one that finishes on the other instance ends at the failure page with a message',
    async (protocol) => {
      const user = users[14]!;
      const browser = new Browser();
      const outcome = await signIn(cluster, { protocol, user, start: 'A', finish: 'B' }, browser);
      expect(outcome.kind).toBe('failed');
      if (outcome.kind !== 'failed') return;
      expect(outcome.message).not.toMatch(/did not complete|something went wrong/i);
      expect(outcome.message.length).toBeGreaterThan(10);
      // And this browser is signed in on neither instance.
      for (const instance of [cluster.instances.A, cluster.instances.B]) {
        expect((await browser.visit(`${instance.url}/`)).text).not.toContain(user.uuid);
      }
    },
  );
});
