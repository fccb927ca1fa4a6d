/**
 * Where sessions live: Redis when `REDIS_URL` is set, so several instances behind a load balancer
 * share them (a sign-in may start on one and finish on another); express-session's MemoryStore
 * otherwise, which is one process only.
 */
import { RedisStore } from 'connect-redis';
import type { SessionData, Store } from 'express-session';
import { createClient } from 'redis';
import { logError } from './log';
import { MAX_AGE_MS } from './session';

/** Every key this app writes starts with it, so one Redis can serve several apps. */
export const SESSION_PREFIX = 'bitbucket-example:sess:';

/** How long a Redis command (or a connection attempt) may take before the request fails. */
const REDIS_TIMEOUT_MS = 2000;

/** How long start-up waits for Redis before it gives up with a clear message. */
const STARTUP_TIMEOUT_MS = 5000;

/** What the failure page says while the store cannot be reached. */
export const STORE_DOWN_MESSAGE =
  'Sign-in is unavailable for a moment: the server cannot reach its session store. Please try again shortly.';

/** An error's message; duck-typed, since errors from Node's own modules can come from another realm (jest). */
function messageOf(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : 'unknown error';
}

/** The session store failed (Redis down, restarting, too slow). Its cause is kept for the log only. */
export class SessionStoreError extends Error {
  override name = 'SessionStoreError';
  constructor(cause: unknown) {
    super(`the session store failed: ${messageOf(cause)}`, { cause });
  }
}

/** The store the app runs with, what to tell the operator about it, and how to let it go on shutdown. */
export interface SessionStoreChoice {
  /** `undefined`: express-session's own MemoryStore. */
  store: Store | undefined;
  kind: 'redis' | 'memory';
  /** Lines for the start-up banner. */
  banner: string[];
  close(): Promise<void>;
}

/** `redis://host:port/db` without user or password, for the banner and error messages. */
export function describeRedisURL(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

type Done<T = never> = (err: unknown, data?: T) => void;

/**
 * The same callback, answered once: with the result, with a `SessionStoreError` for a failure (the app
 * answers 503 for it), or with one when Redis has not answered within `REDIS_TIMEOUT_MS`.
 * NOTE: node-redis's command `timeout` stops counting once the command is written to the socket, so
 * a Redis that is up but not answering (paused, swapping, a half-open connection) would hold the
 * request forever; this deadline covers the reply too. A late reply is dropped.
 */
function guarded<T>(cb: Done<T> | undefined): Done<T> | undefined {
  if (!cb) return undefined;
  let answered = false;
  const timer = setTimeout(() => {
    answered = true;
    cb(new SessionStoreError(new Error(`Redis did not answer within ${REDIS_TIMEOUT_MS} ms`)));
  }, REDIS_TIMEOUT_MS);
  return (err, data) => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    if (err) cb(new SessionStoreError(err));
    else cb(null, data);
  };
}

/** connect-redis, every call bounded in time and every failure marked as the store's. */
class AppRedisStore extends RedisStore {
  override get(sid: string, cb?: Done<SessionData | null>): Promise<unknown> {
    return super.get(sid, guarded(cb));
  }
  override set(sid: string, sess: SessionData, cb?: Done): Promise<unknown> {
    return super.set(sid, sess, guarded(cb));
  }
  override touch(sid: string, sess: SessionData, cb?: Done): Promise<unknown> {
    return super.touch(sid, sess, guarded(cb));
  }
  override destroy(sid: string, cb?: Done): Promise<unknown> {
    return super.destroy(sid, guarded(cb));
  }
}

/**
 * Connects to Redis and returns a store on it.
 *
 * NOTE: node-redis queues commands while it reconnects, by default without limit, so with Redis down
 * every request would hang. `disableOfflineQueue` makes them fail at once instead (the app answers
 * 503), each store call has a deadline (see `guarded`), and the client reconnects by itself with a capped back-off.
 */
async function openRedis(url: string): Promise<SessionStoreChoice> {
  const where = describeRedisURL(url);
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: REDIS_TIMEOUT_MS },
    // While Redis hangs, requests fail by the deadline above but their commands wait for a reply: cap them.
    commandsQueueMaxLength: 1000,
    socket: {
      connectTimeout: REDIS_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  });
  // Without an 'error' listener a lost connection would crash the process. One line per outage.
  let down = false;
  let lastError = 'no answer';
  client.on('error', (err: unknown) => {
    lastError = messageOf(err);
    if (down) return;
    down = true;
    logError('session-store', err);
  });
  client.on('ready', () => {
    if (down) console.log(`[session-store] reconnected to ${where}`);
    down = false;
  });

  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const seconds = STARTUP_TIMEOUT_MS / 1000;
      reject(new Error(`Redis at ${where} (REDIS_URL) was not usable within ${seconds} s: ${lastError}`));
    }, STARTUP_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.connect(), gaveUp]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    // The TTL follows each session's cookie (connect-redis reads its expiry); `ttl` is the fallback.
    store: new AppRedisStore({ client, prefix: SESSION_PREFIX, ttl: MAX_AGE_MS / 1000 }),
    kind: 'redis',
    banner: [
      `Sessions: Redis at ${where}, keys "${SESSION_PREFIX}*", expiring with the cookie (${MAX_AGE_MS / 3_600_000} h).`,
      "Instances that share this Redis and SESSION_SECRET can finish each other's sign-ins.",
    ],
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}

/** Redis when `redisURL` is set, else express-session's MemoryStore. Throws when Redis cannot be reached. */
export async function openSessionStore(redisURL: string | undefined): Promise<SessionStoreChoice> {
  if (redisURL !== undefined) return openRedis(redisURL);
  return {
    store: undefined,
    kind: 'memory',
    banner: [
      "Sessions: in memory (express-session's MemoryStore): one process only. A sign-in started on another",
      "instance fails here, and everyone is signed out on restart. That is what express-session's warning",
      '"MemoryStore is not designed for a production environment" (printed when NODE_ENV=production) is about.',
      'Set REDIS_URL (e.g. redis://127.0.0.1:6379) to share sessions between instances.',
    ],
    close: () => Promise.resolve(),
  };
}
