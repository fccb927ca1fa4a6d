import { isObject } from '../parse/narrow';

/**
 * Reads and writes session fields through what every session library Passport runs with offers.
 *
 * NOTE: two shapes exist. Property bags (express-session, cookie-session, koa-session, @fastify/session)
 * take `session[key] = value` and `delete`. @fastify/secure-session's session is a Proxy over `get`/`set`:
 * `delete` and `Reflect.deleteProperty` are ignored there, and an assigned function is stored as data.
 * A session with both `get` and `set` methods is used through them; `set(key, undefined)` removes.
 */
type Session = Record<string, unknown>;

/** The session, when a session middleware runs before passport (it may not: that is checked, not assumed). */
export function sessionOf(req: unknown): Session | undefined {
  const session = isObject(req) ? req.session : undefined;
  return isObject(session) ? session : undefined;
}

interface GetSet {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

function getSet(session: Session): GetSet | undefined {
  return typeof session.get === 'function' && typeof session.set === 'function'
    ? (session as unknown as GetSet)
    : undefined;
}

/** One field of the session. */
export function readField(session: Session, key: string): unknown {
  const accessors = getSet(session);
  return accessors ? accessors.get(key) : session[key];
}

/** Sets one field; `undefined` removes it, on every session shape (single use depends on it). */
export function writeField(session: Session, key: string, value: unknown): void {
  const accessors = getSet(session);
  if (accessors) accessors.set(key, value);
  else if (value !== undefined) session[key] = value;
  if (value === undefined) Reflect.deleteProperty(session, key);
}

type Regenerate = (...args: unknown[]) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  isObject(value) && typeof value.then === 'function';

/**
 * Runs `after(freshSession)` once the session's next `regenerate()` has made the new session, whichever
 * form the library has: `regenerate(callback)` (express-session, koa-session; @fastify/session also takes
 * `(keys, callback)`), `regenerate(keys)` returning a promise (@fastify/session, as @fastify/passport awaits
 * it) or a synchronous `regenerate(keys)` (@fastify/secure-session). Does nothing without `regenerate`.
 *
 * NOTE: the wrapper is installed with `Object.defineProperty` (non-enumerable, so no store serializes it):
 * on secure-session's Proxy an assignment would be stored as session data and the real method would run.
 */
export function afterRegenerate(req: unknown, session: Session, after: (fresh: Session) => void): void {
  const original = session.regenerate;
  if (typeof original !== 'function') return;
  const finish = (): void => {
    const fresh = sessionOf(req);
    if (fresh) after(fresh);
  };
  const wrapper = function (...args: unknown[]): unknown {
    Reflect.deleteProperty(session, 'regenerate');
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt !== -1) {
      const done = args[callbackAt] as (err?: unknown) => void;
      args[callbackAt] = (err?: unknown): void => {
        if (!err) finish();
        done(err);
      };
      return Reflect.apply(original as Regenerate, session, args);
    }
    const result = Reflect.apply(original as Regenerate, session, args);
    if (isThenable(result)) {
      return Promise.resolve(result).then((value) => {
        finish();
        return value;
      });
    }
    finish();
    return result;
  };
  Object.defineProperty(session, 'regenerate', {
    value: wrapper,
    configurable: true,
    writable: true,
    enumerable: false,
  });
}
