import { isObject } from '../parse/narrow';
import { boundAccounts, STORES_IN_USE, type PendingLogin, type PendingLogins } from './pending-logins';
import { afterRegenerate, sessionOf } from './session-access';
import { failWhenDenied } from './workspace-gate';

/**
 * Pending sign-ins across the login's session regeneration, without helping session fixation.
 *
 * NOTE: passport ≥ 0.6 regenerates the session when a user logs in, so that a session an attacker planted
 * (fixated) gives nothing afterwards; a second tab's sign-in would then fail at its callback. The other
 * pending sign-ins of the strategy that signed in are carried into the new session, BOUND to the Bitbucket
 * account that just signed in: such an entry may only finish as that account (checked once its profile is
 * read, before verify). Entries already bound to another account, and those of other strategy instances,
 * are dropped. So an attacker's sign-in pending in a fixated session cannot swap the victim into the
 * attacker's account later, with or without `keepSessionInfo` (which copies what is left: bound entries).
 */

/** What a callback reads when its sign-in was carried through another account's login. */
export const OTHER_ACCOUNT_MESSAGE =
  'This Bitbucket sign-in was started before another account signed in, in this browser. Please sign in again.';

/** The request each running strategy (passport's per-request copy of it) serves. */
const requests = new WeakMap<object, object>();
/** The Bitbucket account each callback signed in as, once its profile was read. */
const accounts = new WeakMap<object, string>();

/** Ties the strategy object running this callback to its request (`userProfile` has no request). */
export function rememberRequest(strategy: object, req: unknown): void {
  if (isObject(req)) requests.set(strategy, req);
}

interface Failing {
  fail?: (challenge: { message: string }, status: number) => void;
}

/**
 * Wraps a strategy's `userProfile` callback: when the callback's entry was bound to another account, the
 * sign-in fails (403) before verify; otherwise the account is remembered for {@link carryAcrossLogin}.
 */
function failWhenOtherAccount<P extends { id: string }>(
  strategy: object,
  done: (err?: unknown, profile?: P) => void,
): (err: unknown, profile?: P) => void {
  return (err, profile) => {
    const req = requests.get(strategy);
    if (err || profile === undefined || req === undefined) return done(err, profile);
    const bound = boundAccounts.get(req);
    const { fail } = strategy as Failing;
    if (bound !== undefined && bound !== profile.id && typeof fail === 'function') {
      return fail.call(strategy, { message: OTHER_ACCOUNT_MESSAGE }, 403);
    }
    accounts.set(req, profile.id);
    done(err, profile);
  };
}

/**
 * Both strategies' `userProfile` callback: a user outside the allowed workspaces, or a carried sign-in that
 * turns out to be another account's, fails (403, `failureRedirect` applies) before verify.
 */
export function gateProfile<P extends { id: string }>(
  strategy: object,
  done: (err?: unknown, profile?: P) => void,
): (err: unknown, profile?: P) => void {
  return failWhenOtherAccount(strategy, failWhenDenied(strategy, done));
}

/**
 * Whether this callback finishes a sign-in that was carried through another account's login (bound to it) with no
 * profile read to check the binding: `skipUserProfile` chose to skip it, and only the profile names the account.
 */
export function carriedWithoutProfile(req: unknown): boolean {
  return isObject(req) && boundAccounts.has(req) && !accounts.has(req);
}

/**
 * On a successful callback of the strategy whose store is `own`: binds its other pending sign-ins to the
 * account that signed in (dropping those bound to someone else), drops every other store's, and writes the
 * kept ones into the session the login regenerates. Without a profile (`skipUserProfile`) nothing is kept.
 */
export function carryAcrossLogin(req: unknown, own: PendingLogins | null): void {
  const session = sessionOf(req);
  if (!session || !isObject(req)) return;
  const account = accounts.get(req);
  const carried: [PendingLogins, PendingLogin[]][] = [];
  for (const store of STORES_IN_USE.values()) {
    const entries = store.live(session);
    if (entries.length === 0) continue;
    const kept =
      store.key === own?.key && account !== undefined
        ? entries
            .filter((entry) => entry.boundTo === undefined || entry.boundTo === account)
            .map((entry) => ({ ...entry, boundTo: account }))
        : [];
    store.save(session, kept);
    if (kept.length > 0) carried.push([store, kept]);
  }
  if (carried.length === 0) return;
  afterRegenerate(req, session, (fresh) => {
    for (const [store, kept] of carried) store.save(fresh, kept);
  });
}
