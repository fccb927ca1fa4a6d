/**
 * How examples/login picks its session store from `REDIS_URL`: MemoryStore without it (and the banner
 * says what that costs), Redis with it, a plain start-up error when Redis cannot be reached, and a
 * Redis password in neither the banner, the errors nor the log.
 */
import { readSettings } from '../../examples/login/config';
import { describeRedisURL, openSessionStore } from '../../examples/login/session-store';
import { logged, quietConsole } from './quiet';
import { freePort, RedisServer } from './redis-server';

quietConsole();

describe('REDIS_URL', () => {
  it('is read as is, and is optional', () => {
    expect(readSettings({ REDIS_URL: 'redis://:pw@cache.internal:6380/2' }).redisURL).toBe(
      'redis://:pw@cache.internal:6380/2',
    );
    expect(readSettings({}).redisURL).toBeUndefined();
  });

  it.each(['http://cache:6379', 'cache:6379x', 'not a url'])(
    'refuses %j without echoing it (it may hold a password)',
    (value) => {
      expect(() => readSettings({ REDIS_URL: value })).toThrow(
        'REDIS_URL must look like redis://host:6379 (or rediss:// for TLS).',
      );
    },
  );

  it('is shown without user or password', () => {
    expect(describeRedisURL('redis://admin:hunter2@cache.internal:6380/2')).toBe('redis://cache.internal:6380/2');
    expect(describeRedisURL('rediss://:hunter2@cache.internal')).toBe('rediss://cache.internal');
  });
});

describe('openSessionStore', () => {
  it('without REDIS_URL: express-session MemoryStore, and the banner explains its warning', async () => {
    const choice = await openSessionStore(undefined);
    expect(choice.kind).toBe('memory');
    expect(choice.store).toBeUndefined();
    const banner = choice.banner.join(' ');
    expect(banner).toContain('not designed for a production environment');
    expect(banner).toContain('REDIS_URL');
  });

  it("with REDIS_URL: a Redis store under the app's prefix, named in the banner", async () => {
    const redis = await RedisServer.start();
    try {
      const choice = await openSessionStore(redis.url);
      expect(choice.kind).toBe('redis');
      expect(choice.banner[0]).toBe(
        `Sessions: Redis at redis://127.0.0.1:${redis.port}, keys "bitbucket-example:sess:*", expiring with the cookie (8 h).`,
      );
      await choice.close();
    } finally {
      await redis.stop();
    }
  });

  it('gives up with a plain error when Redis does not answer, the password in neither error nor log', async () => {
    const port = await freePort();
    logged.length = 0;
    await expect(openSessionStore(`redis://app:hunter2@127.0.0.1:${port}`)).rejects.toThrow(
      `Redis at redis://127.0.0.1:${port} (REDIS_URL) was not usable within 5 s: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(logged.join('\n')).toContain(`[session-store] Error: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(logged.join('\n')).not.toContain('hunter2');
  });

  it('refuses a wrong password at start-up, without showing it', async () => {
    const redis = await RedisServer.start();
    logged.length = 0;
    try {
      await expect(openSessionStore(`redis://app:hunter2@127.0.0.1:${redis.port}`)).rejects.toThrow(
        /^Redis at redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL\) was not usable within 5 s: WRONGPASS /,
      );
      expect(logged.join('\n')).toMatch(/\[session-store\] \w+: WRONGPASS /);
      expect(logged.join('\n')).not.toContain('hunter2');
    } finally {
      await redis.stop();
    }
  });
});
