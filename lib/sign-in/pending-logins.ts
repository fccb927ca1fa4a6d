import { timingSafeEqual } from 'node:crypto';
import { isObject } from '../parse/narrow';

/**
 * One sign-in this browser started and has not finished. Plain JSON, so any express-session store
 * (Redis, PostgreSQL, a cookie) keeps it as it is.
 */
export interface PendingLogin {
  /** What the callback names it by: the OAuth 2.0 `state`, or the OAuth 1.0a request token. */
  handle: string;
  /** When the sign-in started, in milliseconds since the epoch. */
  startedAt: number;
  /** OAuth 2.0 with PKCE: the code verifier for the token request. */
  verifier?: string;
  /** OAuth 1.0a: the request token's secret, to sign the access-token request. */
  tokenSecret?: string;
  /** The app's own state for this sign-in (passport's `state` option, as passport-oauth2's `store` keeps it). */
  appState?: unknown;
}

/** How many sign-ins one session keeps pending, and for how long. */
export interface PendingLoginLimits {
  /** Most pending sign-ins per session; a new one beyond it drops the oldest. */
  max: number;
  /** How long a pending sign-in stays valid, in milliseconds. */
  maxAgeMs: number;
}

/** Default: five tabs (or "Sign in" clicks) at once, each valid for ten minutes. */
export const DEFAULT_PENDING_LOGIN_LIMITS: PendingLoginLimits = { max: 5, maxAgeMs: 10 * 60 * 1000 };

/** Why a callback matched no pending sign-in. */
export type NoMatch = 'no_session' | 'expired' | 'unknown';

/** What {@link PendingLogins.take} found. */
export type TakeResult = { login: PendingLogin } | { problem: NoMatch };

/** The session, when a session middleware runs before passport (it may not: that is checked, not assumed). */
export function sessionOf(req: unknown): Record<string, unknown> | undefined {
  const session = isObject(req) ? req.session : undefined;
  return isObject(session) ? session : undefined;
}

/** Compares two handles in constant time for equal lengths (a handle is a secret until it is used). */
function sameHandle(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads one stored entry back; anything a session store mangled is dropped, never trusted. */
function readEntry(value: unknown): PendingLogin | undefined {
  if (!isObject(value) || typeof value.handle !== 'string' || typeof value.startedAt !== 'number') return undefined;
  return {
    handle: value.handle,
    startedAt: value.startedAt,
    ...(typeof value.verifier === 'string' ? { verifier: value.verifier } : {}),
    ...(typeof value.tokenSecret === 'string' ? { tokenSecret: value.tokenSecret } : {}),
    ...('appState' in value ? { appState: value.appState } : {}),
  };
}

/**
 * The sign-ins a browser has in flight, kept in its session under one key per strategy instance.
 *
 * NOTE: passport-oauth2's and passport-oauth1's session stores keep ONE pending sign-in: a second tab
 * overwrites the first one's state, and a forged callback deletes it before comparing. Here each sign-in
 * has its own entry, a callback consumes only the entry it matches, and a forged or stale one touches
 * nothing. Entries are bounded in number and age, so a session never grows without end.
 */
export class PendingLogins {
  constructor(
    /** The session key, e.g. `bitbucket-oauth2:cloud:bitbucket.org`. */
    readonly key: string,
    readonly limits: PendingLoginLimits = DEFAULT_PENDING_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    KEYS_IN_USE.add(key);
  }

  /** Remembers a new sign-in, dropping expired ones and, past the bound, the oldest. Throws without a session. */
  add(req: unknown, login: Omit<PendingLogin, 'startedAt'>): void {
    const session = sessionOf(req);
    if (!session) throw missingSession();
    const kept = this.live(session).filter((entry) => !sameHandle(entry.handle, login.handle));
    kept.push({ ...login, startedAt: this.now() });
    this.save(session, kept.slice(-this.limits.max));
  }

  /**
   * Consumes the sign-in a callback names. Only the matching entry is removed (single use); a callback
   * that matches nothing leaves every other pending sign-in as it was.
   */
  take(req: unknown, handle: string | undefined): TakeResult {
    const session = sessionOf(req);
    if (!session) return { problem: 'no_session' };
    const stored = this.stored(session);
    const index = handle === undefined ? -1 : stored.findIndex((entry) => sameHandle(entry.handle, handle));
    const found = stored[index];
    if (found === undefined) return { problem: 'unknown' };
    const rest = stored.filter((_, i) => i !== index);
    this.save(
      session,
      rest.filter((entry) => !this.expired(entry)),
    );
    return this.expired(found) ? { problem: 'expired' } : { login: found };
  }

  /** How many unexpired sign-ins this browser has pending (for logs). */
  count(req: unknown): number {
    const session = sessionOf(req);
    return session ? this.live(session).length : 0;
  }

  private expired(entry: PendingLogin): boolean {
    // NOTE: with several app instances the clock that stored the entry may be a little ahead of this one.
    const age = this.now() - entry.startedAt;
    return age > this.limits.maxAgeMs || age < -this.limits.maxAgeMs;
  }

  private stored(session: Record<string, unknown>): PendingLogin[] {
    const value = session[this.key];
    if (!Array.isArray(value)) return [];
    return value.map(readEntry).filter((entry): entry is PendingLogin => entry !== undefined);
  }

  private live(session: Record<string, unknown>): PendingLogin[] {
    return this.stored(session).filter((entry) => !this.expired(entry));
  }

  private save(session: Record<string, unknown>, entries: PendingLogin[]): void {
    if (entries.length === 0) Reflect.deleteProperty(session, this.key);
    else session[this.key] = entries;
  }
}

/**
 * The default session key of one strategy instance: its name, deployment and authorization host, so
 * that two strategies (Cloud and Data Center, or two Data Center servers) never read each other's entries.
 */
export function defaultSessionKey(name: string, deployment: string, authorizationURL: string): string {
  return `${name}:${deployment}:${new URL(authorizationURL).host}`;
}

/** The session keys of every pending-login store in this process (one per strategy instance, deduplicated). */
const KEYS_IN_USE = new Set<string>();

/**
 * Keeps the other pending sign-ins of this browser, of every Bitbucket strategy, across the session
 * regeneration that follows a login.
 *
 * NOTE: passport ≥ 0.6 regenerates the session when a user logs in (against session fixation) and drops
 * everything in it unless the app passes `keepSessionInfo: true`; a second tab's sign-in would then fail
 * at its callback. Only pending sign-ins are carried over into the new session, nothing else.
 */
export function keepAcrossRegenerate(req: unknown): void {
  const session = sessionOf(req);
  const regenerate = session?.regenerate;
  if (!session || typeof regenerate !== 'function') return;
  const carried = [...KEYS_IN_USE].filter((key) => Array.isArray(session[key]) && session[key].length > 0);
  if (carried.length === 0) return;
  session.regenerate = function (this: unknown, done: (err?: unknown) => void): unknown {
    Reflect.deleteProperty(session, 'regenerate');
    return Reflect.apply(regenerate as (...args: unknown[]) => unknown, this, [
      (err?: unknown): void => {
        const fresh = sessionOf(req);
        if (!err && fresh && fresh !== session) {
          for (const key of carried) fresh[key] ??= session[key];
        }
        done(err);
      },
    ]);
  };
}

/** The message a callback gets when it matches no sign-in of this browser. */
export function noMatchMessage(problem: NoMatch): string {
  switch (problem) {
    case 'expired':
      return 'The Bitbucket sign-in took too long and has expired. Please sign in again.';
    case 'no_session':
      return 'Your session has ended during the Bitbucket sign-in (are cookies allowed?). Please sign in again.';
    default:
      return 'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.';
  }
}

/** Thrown on the first leg when no session middleware runs before passport. */
export function missingSession(): Error {
  return new Error(
    'Bitbucket sign-in needs a session to keep its state between the redirects: add express-session ' +
      '(or another session middleware) before passport.',
  );
}
