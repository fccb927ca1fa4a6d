/**
 * Sessions for Express that behave like @fastify/secure-session 8.4 (its Proxy handler and Session class, copied
 * in behaviour) and like @fastify/session 11 (`regenerate(keys)` returning a promise), with the login
 * @fastify/passport 4.0 performs on them: what the framework matrix runs for real, here in-process for the
 * security tests.
 *
 * - Reads and writes of session fields go through `get(key)` and `set(key, value)`; a function assigned
 *   to the Proxy is stored as data; `delete` and `Reflect.deleteProperty` change nothing.
 * - `regenerate(keepFields)` is synchronous, takes no callback, and empties the data but the fields named.
 * - The data travels in the cookie as JSON (secure-session encrypts it; that changes nothing here).
 */
import type { RequestHandler } from 'express';
import type { Authenticator } from 'passport';

const DATA = Symbol('data');

class Session {
  [DATA]: Record<string, unknown>;
  changed = false;

  constructor(data: Record<string, unknown>) {
    this[DATA] = data;
  }

  get(key: string): unknown {
    return this[DATA][key];
  }

  set(key: string, value: unknown): void {
    this.changed = true;
    this[DATA][key] = value;
  }

  data(): Record<string, unknown> {
    return { ...this[DATA] };
  }

  regenerate(keepFields?: string[]): void {
    for (const key of Object.keys(this[DATA])) if (!keepFields?.includes(key)) Reflect.deleteProperty(this[DATA], key);
    this.changed = true;
  }
}

/** secure-session's handler: own properties and methods first, everything else is session data. */
const handler: ProxyHandler<Session> = {
  get(target, prop) {
    const value: unknown = Reflect.get(target, prop);
    if (typeof value === 'function') {
      return new Proxy(value as (...args: unknown[]) => unknown, {
        apply: (fn, _this, args) => Reflect.apply(fn, target, args),
      });
    }
    if (Object.hasOwn(target, prop)) return value;
    return typeof prop === 'string' ? target.get(prop) : undefined;
  },
  set(target, prop, value) {
    if (Object.hasOwn(target, prop)) return Reflect.set(target, prop, value);
    if (typeof prop === 'string') target.set(prop, value);
    return true;
  },
};

const COOKIE = 'getset';

function readCookie(header: string | undefined): Record<string, unknown> {
  const raw = header
    ?.split(/;\s*/)
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (raw === undefined) return {};
  return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The session middleware: `req.session` is the Proxy; a changed session is written back before the headers. */
export function getSetSession(): RequestHandler {
  return (req, res, next) => {
    const target = new Session(readCookie(req.headers.cookie));
    Object.assign(req, { session: new Proxy(target, handler) });
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
    res.writeHead = ((...args: unknown[]) => {
      if (target.changed) {
        const value = Buffer.from(JSON.stringify(target[DATA])).toString('base64url');
        res.appendHeader('set-cookie', `${COOKIE}=${value}; Path=/; HttpOnly`);
      }
      return writeHead(...args);
    }) as typeof res.writeHead;
    next();
  };
}

/** The session @fastify/session 11 gives: own properties, `get`/`set`, `regenerate(keys)` returning a promise. */
interface LoginSession {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  regenerate(keepFields?: string[]): unknown;
}

const REQUEST = Symbol('request');

/**
 * Like @fastify/session 11: the fields are own properties (with `get`/`set` too), and `regenerate(keys)` returns a
 * promise and puts a NEW session on the request, with a new id, holding only the fields named.
 */
class PromiseSession implements LoginSession {
  declare [REQUEST]: { session: unknown };

  constructor(req: { session: unknown }, fields: Record<string, unknown>) {
    Object.defineProperty(this, REQUEST, { value: req });
    Object.assign(this, fields);
  }

  get(key: string): unknown {
    return (this as unknown as Record<string, unknown>)[key];
  }

  set(key: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[key] = value;
  }

  regenerate(keepFields?: string[]): Promise<void> {
    const kept = Object.fromEntries((keepFields ?? []).map((key) => [key, this.get(key)]));
    this[REQUEST].session = new PromiseSession(this[REQUEST], kept);
    return Promise.resolve();
  }
}

/** A session middleware like @fastify/session's: kept in memory under a random id in the cookie. */
export function promiseSession(): RequestHandler {
  const saved = new Map<string, string>();
  let next = 0;
  return (req, res, proceed) => {
    const id = /(?:^|;\s*)psid=(\d+)/.exec(req.headers.cookie ?? '')?.[1];
    const fields = JSON.parse((id === undefined ? undefined : saved.get(id)) ?? '{}') as Record<string, unknown>;
    req.session = new PromiseSession(req, fields) as unknown as typeof req.session;
    const first = req.session;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
    res.writeHead = ((...args: unknown[]) => {
      const newId = req.session === first && id !== undefined ? id : String((next += 1));
      saved.set(newId, JSON.stringify(req.session));
      if (newId !== id) res.appendHeader('set-cookie', `psid=${newId}; Path=/; HttpOnly`);
      return writeHead(...args);
    }) as typeof res.writeHead;
    proceed();
  };
}

type Done = (err?: unknown) => void;

/**
 * Makes `passport` log in and out as @fastify/passport's SecureSessionManager does on both sessions above:
 * `await regenerate(['session', …])` (every field with `keepSessionInfo`), then `set('passport', user)`.
 */
export function useGetSetLogin(passport: Pick<Authenticator, 'serializeUser'>): void {
  // passport.serializeUser(user, req, done) runs the app's serializers (a function first registers one).
  const serialize = passport.serializeUser.bind(passport) as unknown as (
    user: Express.User,
    req: unknown,
    done: (err: unknown, id?: unknown) => void,
  ) => void;
  Object.assign(passport, {
    _sm: {
      logIn(
        req: { session: LoginSession },
        user: Express.User,
        options: { keepSessionInfo?: boolean },
        done: Done,
      ): void {
        serialize(user, req, (err, object) => {
          if (err) return done(err);
          const keep = ['session', ...(options.keepSessionInfo ? Object.keys(req.session) : [])];
          Promise.resolve(req.session.regenerate(keep)).then(() => {
            req.session.set('passport', { user: object });
            done();
          }, done);
        });
      },
      logOut(req: { session: LoginSession }, _options: unknown, done: Done): void {
        req.session.set('passport', undefined);
        Promise.resolve(req.session.regenerate()).then(() => done(), done);
      },
    },
  });
}
