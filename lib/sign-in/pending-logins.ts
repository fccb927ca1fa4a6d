import { timingSafeEqual } from 'node:crypto';
import { isObject } from '../parse/narrow';
import { readField, sessionOf, writeField } from './session-access';

export { sessionOf } from './session-access';

/**
 * One sign-in this browser started and has not finished. Plain JSON, so any session store (Redis,
 * PostgreSQL, a cookie) keeps it as it is.
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
  /** Set when a login carried it: the Bitbucket account id it may finish as (see `sign-in/carry.ts`). */
  boundTo?: string;
}

/** How many sign-ins one session keeps pending, and for how long. */
export interface PendingLoginLimits {
  /** Most pending sign-ins per session; past it the older half stays and the newer half rotates. */
  max: number;
  /** How long a pending sign-in stays valid, in milliseconds. */
  maxAgeMs: number;
}

/** Default: eight at once (tabs, "Sign in" clicks, foreign starts), each valid for ten minutes. */
export const DEFAULT_PENDING_LOGIN_LIMITS: PendingLoginLimits = { max: 8, maxAgeMs: 10 * 60 * 1000 };

/** Why a callback matched no pending sign-in. */
export type NoMatch = 'no_session' | 'expired' | 'unknown';

/** What {@link PendingLogins.take} found. */
export type TakeResult = { login: PendingLogin } | { problem: NoMatch };

/** Compares two handles in constant time for equal lengths (a handle is a secret until it is used). */
function sameHandle(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The optional fields of an entry, as a new one or a stored one (unchecked) may carry them. */
interface OptionalFields {
  verifier?: unknown;
  tokenSecret?: unknown;
  appState?: unknown;
  boundTo?: unknown;
}

/**
 * Completes `entry` with the optional fields of `from` that have their type (`appState` whenever present).
 * Field by field, not spread: this runs for every entry at every leg of every sign-in, and every entry gets one shape.
 */
function withOptionalFields(entry: PendingLogin, from: OptionalFields): PendingLogin {
  if (typeof from.verifier === 'string') entry.verifier = from.verifier;
  if (typeof from.tokenSecret === 'string') entry.tokenSecret = from.tokenSecret;
  if ('appState' in from) entry.appState = from.appState;
  if (typeof from.boundTo === 'string') entry.boundTo = from.boundTo;
  return entry;
}

/** Reads one stored entry back; anything a session store mangled is dropped, never trusted. */
function readEntry(value: unknown): PendingLogin | undefined {
  if (!isObject(value) || typeof value.handle !== 'string' || typeof value.startedAt !== 'number') return undefined;
  return withOptionalFields({ handle: value.handle, startedAt: value.startedAt }, value);
}

/** The account each callback's carried entry was bound to, by request (read once the profile is known). */
export const boundAccounts = new WeakMap<object, string>();

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
    /** The session key, e.g. `bitbucket-oauth2:cloud:bitbucket.org:<client ID>`. */
    readonly key: string,
    readonly limits: PendingLoginLimits = DEFAULT_PENDING_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    STORES_IN_USE.set(key, this);
  }

  /**
   * Remembers a new sign-in, dropping expired ones. Past the bound, the older half (`floor(max / 2)`
   * entries) stays until used or expired and the oldest of the rest is dropped.
   * NOTE: dropping the oldest outright let a page that opens the login route `max` times push out a sign-in
   * in progress; now only starts newer than the protected half rotate. Throws without a session.
   */
  add(req: unknown, login: Omit<PendingLogin, 'startedAt'>): void {
    const session = sessionOf(req);
    if (!session) throw missingSession();
    const kept = this.live(session).filter((entry) => !sameHandle(entry.handle, login.handle));
    kept.push(withOptionalFields({ handle: login.handle, startedAt: this.now() }, login));
    const protectedCount = Math.floor(this.limits.max / 2);
    while (kept.length > this.limits.max) kept.splice(protectedCount, 1);
    this.save(session, kept);
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
    this.save(
      session,
      stored.filter((entry, i) => i !== index && !this.expired(entry)),
    );
    if (this.expired(found)) return { problem: 'expired' };
    if (found.boundTo !== undefined && isObject(req)) boundAccounts.set(req, found.boundTo);
    return { login: found };
  }

  /** How many unexpired sign-ins this browser has pending (for logs). */
  count(req: unknown): number {
    const session = sessionOf(req);
    return session ? this.live(session).length : 0;
  }

  /** The unexpired entries of a session, oldest first. */
  live(session: Record<string, unknown>): PendingLogin[] {
    return this.stored(session).filter((entry) => !this.expired(entry));
  }

  /** Replaces the entries; none removes the field itself. */
  save(session: Record<string, unknown>, entries: PendingLogin[]): void {
    writeField(session, this.key, entries.length === 0 ? undefined : entries);
  }

  private expired(entry: PendingLogin): boolean {
    // NOTE: with several app instances the clock that stored the entry may be a little ahead of this one.
    const age = this.now() - entry.startedAt;
    return age > this.limits.maxAgeMs || age < -this.limits.maxAgeMs;
  }

  private stored(session: Record<string, unknown>): PendingLogin[] {
    const value = readField(session, this.key);
    if (!Array.isArray(value)) return [];
    return value.map(readEntry).filter((entry): entry is PendingLogin => entry !== undefined);
  }
}

/**
 * The default session key of one strategy instance: its name, deployment, authorization host and client
 * ID (or consumer key), so that two strategies (Cloud and Data Center, two servers, or two consumers on one
 * server) never read each other's entries: a state one issued is unknown to the other's callback.
 */
export function defaultSessionKey(name: string, deployment: string, authorizationURL: string, client: string): string {
  return `${name}:${deployment}:${new URL(authorizationURL).host}:${client}`;
}

/** The pending-login store of every session key in this process (one per strategy instance). */
export const STORES_IN_USE = new Map<string, PendingLogins>();

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
