import { AuthorizationError, InternalOAuthError, TokenError } from 'passport-oauth2';
import { redact } from './redact';

export { AuthorizationError, InternalOAuthError, TokenError };

/**
 * What went wrong in a call to Bitbucket's REST API:
 * - `http`: Bitbucket answered with an error status (see `status`, `bitbucketMessage`).
 * - `invalid_response`: the body was not JSON, or not of the documented shape.
 * - `redirect`: Bitbucket answered with a redirect, which is never followed (credentials stay put).
 * - `timeout`: no complete answer within the `timeout` option.
 * - `too_large`: the body exceeded `maxResponseBytes`.
 * - `network`: the connection failed or was reset.
 * - `cancelled`: another read of the same sign-in failed first, so this one was stopped. Seen only on the
 *   `passport-bitbucket-oauth:api` channel and in `DEBUG` lines: the sign-in ends with the first failure.
 */
export type BitbucketAPIErrorCode =
  'http' | 'invalid_response' | 'redirect' | 'timeout' | 'too_large' | 'network' | 'cancelled';

/** Fields of a {@link BitbucketAPIError}, all but the message optional. */
export interface BitbucketAPIErrorDetails {
  code: BitbucketAPIErrorCode;
  status?: number | null;
  url?: string;
  bitbucketMessage?: string | null;
  required?: string[] | null;
  granted?: string[] | null;
  retryAfter?: number | null;
  cause?: unknown;
}

/**
 * An error from Bitbucket's REST API (or from what answered in its place).
 * Its message never holds a token or a client secret.
 *
 * @example
 * ```ts
 * const onError: ErrorRequestHandler = (err, req, res, next) => {
 *   if (err instanceof BitbucketAPIError && err.status === 429) {
 *     res.status(503).send(`Bitbucket is rate limiting us; retry in ${err.retryAfter ?? 60} s`);
 *   } else next(err);
 * };
 * app.use(onError); // ErrorRequestHandler from 'express'
 * ```
 */
export class BitbucketAPIError extends Error {
  override readonly name = 'BitbucketAPIError';
  /** What kind of failure this is. */
  readonly code: BitbucketAPIErrorCode;
  /** HTTP status, or `null` when no status was received. */
  readonly status: number | null;
  /** The endpoint called (no query string). */
  readonly url: string | undefined;
  /** Bitbucket's own `error.message`, when its error envelope was present. */
  readonly bitbucketMessage: string | null;
  /** For 403 scope failures: the scopes the endpoint requires. */
  readonly required: string[] | null;
  /** For 403 scope failures: the scopes the token was granted. */
  readonly granted: string[] | null;
  /** For 429 and 503: seconds to wait, from `Retry-After`. */
  readonly retryAfter: number | null;

  constructor(message: string, details: BitbucketAPIErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.status = details.status ?? null;
    this.url = details.url;
    this.bitbucketMessage = details.bitbucketMessage ?? null;
    this.required = details.required ?? null;
    this.granted = details.granted ?? null;
    this.retryAfter = details.retryAfter ?? null;
  }
}

/** Shortens untrusted text for an error message: one line, at most `max` characters. */
export function excerpt(text: string, max = 200): string {
  // NOTE: besides C0 controls, C1 controls (NEL), U+2028/U+2029 break lines too, and bidi controls would make
  // the message read otherwise than it is ("Trojan Source"); a lone surrogate is no text at all.
  const oneLine = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .trim();
  if (oneLine.length <= max) return oneLine;
  // Never cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(oneLine.charAt(max - 1)) ? max - 1 : max;
  return oneLine.slice(0, end) + '…';
}

/**
 * `message: <the cause's one-line summary>`, e.g. "Failed to obtain access token: POST https://bitbucket.org/site/oauth2/access_token
 * did not answer within 10000 ms". NOTE: our causes name endpoints without query strings and carry no
 * credential; anything else is cut to one short line.
 */
export function withCause(message: string, cause: unknown): string {
  const summary = cause instanceof Error ? excerpt(cause.message, 160) : '';
  return summary === '' ? message : `${message}: ${summary}`;
}

/** Longest token-endpoint error body kept: error bodies are tiny, and this one is printed by `toString()`. */
const MAX_TOKEN_ERROR_BODY = 16 * 1024;

/** Internal: an error status from a token endpoint, in the shape passport-oauth2 reads (`statusCode`, `data`). */
export class TokenEndpointFailure extends Error {
  override readonly name = 'TokenEndpointFailure';
  /** The body with our credentials blanked out, parsed by `parseErrorResponse` and printed by `InternalOAuthError#toString()`. */
  readonly data: string;
  constructor(
    readonly statusCode: number,
    body: string,
    secrets: readonly (string | undefined)[],
    /** A 429's or 503's `Retry-After`, in seconds; `null` without one. */
    readonly retryAfter: number | null,
  ) {
    super(`The token endpoint answered ${statusCode}`);
    // NOTE: redacted whole (JSON decoded included) before anything parses it; cut after redaction, never mid-secret;
    // a body this long is no RFC 6749 error anyway.
    this.data = redact(body, secrets).slice(0, MAX_TOKEN_ERROR_BODY);
  }
}

/**
 * A failed token request as the strategies report it: `parsed` (Bitbucket's error body read as a `TokenError`), else
 * an `InternalOAuthError` with the cause's summary; either one with `retryAfter`, the seconds a 429's or 503's
 * `Retry-After` asks to wait (`null` without one), as a `BitbucketAPIError` has it.
 */
export function tokenRequestError(message: string, err: unknown, parsed: Error | null): Error {
  const retryAfter = err instanceof TokenEndpointFailure ? err.retryAfter : null;
  return Object.assign(parsed ?? new InternalOAuthError(withCause(message, err), err), { retryAfter });
}

/** What a user outside every allowed workspace reads: it names no workspace, so nothing about the setup leaks. */
export const WORKSPACE_DENIED_MESSAGE = 'Your Bitbucket account has no access to a workspace allowed to sign in here.';

/**
 * The user can access none of the allowed workspaces (`workspaces` option). Thrown by the profile read; the
 * strategies turn it into `fail()` (status 403), so `failureRedirect` applies and the verify callback is never
 * called. Outside a sign-in (a direct `userProfile()` call) it reaches the callback as this error, `status` 403.
 *
 * @example
 * ```ts
 * // Is a user who signed in last week still in an allowed workspace?
 * const { accessToken } = await strategy.refresh(user.refreshToken);
 * strategy.userProfile(accessToken, (err) => {
 *   if (err instanceof WorkspaceAccessDenied) console.log('no longer in an allowed workspace');
 * });
 * ```
 */
export class WorkspaceAccessDenied extends Error {
  override readonly name = 'WorkspaceAccessDenied';
  /** HTTP status the sign-in fails with. */
  readonly status = 403;
  constructor() {
    super(WORKSPACE_DENIED_MESSAGE);
  }
}
