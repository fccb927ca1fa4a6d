import { callbackErrorMessage } from './callback';
import { carriedWithoutProfile, carryAcrossLogin, OTHER_ACCOUNT_MESSAGE, rememberRequest } from './carry';
import { missingSession, type PendingLogins } from './pending-logins';

/** The part of a Passport strategy, during `authenticate()`, that ends a sign-in. */
export interface Ending {
  success(user: Express.User, info?: object): void;
  fail(challenge: { message: string }, status: number): void;
  error(err: unknown): void;
}

/** What the strategy makes of an error: a failure for the user (`fail()`), or `null` for `error()`. */
export type FailureFor = (err: unknown) => { message: string; status: number } | null;

/**
 * Wraps how a callback ends, for both strategies: errors that are the user's problem (a spent code or
 * request token) become `fail()`, so `failureRedirect` applies; on success the other pending sign-ins of
 * this browser are carried into the session passport regenerates.
 */
export function watchCallback(
  strategy: Ending,
  req: unknown,
  failureFor: FailureFor,
  pending: PendingLogins | null,
): void {
  rememberRequest(strategy, req);
  const succeed = strategy.success.bind(strategy);
  strategy.success = (user: Express.User, info?: object): void => {
    // NOTE: a carried sign-in may finish only as the account it was bound to, which only its profile tells: with
    // the profile skipped, a fixated session's pending sign-in would swap the victim into the attacker's account.
    if (carriedWithoutProfile(req)) return strategy.fail({ message: OTHER_ACCOUNT_MESSAGE }, 403);
    carryAcrossLogin(req, pending);
    succeed(user, info);
  };
  const forwardError = strategy.error.bind(strategy);
  strategy.error = (err: unknown): void => {
    const failure = failureFor(err);
    return failure ? strategy.fail({ message: failure.message }, failure.status) : forwardError(err);
  };
}

/** Bitbucket's answer in a callback that carries no grant. */
export interface ProviderError {
  /** What names the sign-in: the OAuth 2.0 `state`, or the OAuth 1.0a request token. */
  handle: string | undefined;
  error: string;
  description: string | undefined;
  /** The message for a matched callback that carries no error at all (OAuth 1.0a without a verifier). */
  noGrantMessage?: string;
}

/**
 * Ends a callback that carries an error instead of a grant. The sign-in it names is over, so its pending
 * entry is spent; Bitbucket's own words are shown only when the callback matched a sign-in of this browser.
 */
export function endWithProviderError(
  strategy: Ending,
  req: unknown,
  pending: PendingLogins | null,
  answer: ProviderError,
): void {
  const found = pending?.take(req, answer.handle);
  if (found && 'problem' in found && found.problem === 'no_session') return strategy.error(missingSession());
  const matched = found !== undefined && 'login' in found;
  const message =
    matched && answer.noGrantMessage !== undefined
      ? answer.noGrantMessage
      : callbackErrorMessage(matched, answer.error, answer.description);
  strategy.fail({ message }, 403);
}
