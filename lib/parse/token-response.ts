import { invalidResponse, optionalString, requireObject } from './narrow';

/** Visible ASCII only: what an access or refresh token may hold to travel in a header or a form. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * The token endpoint's answer, as the verify callback receives it in `params`.
 * Every field Bitbucket sent is kept; `scope` and `expires_in` are normalized.
 */
export interface BitbucketTokenParams {
  [field: string]: unknown;
  access_token: string;
  token_type?: string;
  /** Granted scopes, space-separated (from `scope`, or the pre-2026 `scopes`). */
  scope: string;
  /** Lifetime of the access token in seconds, when Bitbucket said. */
  expires_in?: number;
}

/**
 * A parsed, checked token response.
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export interface TokenResponse {
  accessToken: string;
  /** `undefined` when the grant returns none (client credentials). */
  refreshToken: string | undefined;
  expiresIn: number | undefined;
  scopes: string[];
  /** Everything Bitbucket sent but the refresh token (as passport-oauth2 does), normalized. */
  params: BitbucketTokenParams;
}

/**
 * Checks a token endpoint body and normalizes it. Pure: no I/O.
 * Throws a `BitbucketAPIError` (`invalid_response`) for anything that is not a usable bearer token.
 *
 * @example
 * ```ts
 * parseTokenResponse({ access_token: 'a', scopes: 'account email', expires_in: 7200, token_type: 'bearer' }).scopes;
 * // ['account', 'email']
 * ```
 * @internal Exported for compatibility, not documented: it may change in a minor release.
 */
export function parseTokenResponse(json: unknown): TokenResponse {
  const body = requireObject(json, 'token body');
  const accessToken = optionalString(body.access_token);
  if (accessToken === undefined) throw invalidResponse('token body "access_token" property must be a non-empty string');
  // NOTE: the token travels in an Authorization header; one with spaces or control characters would be
  // refused by Node (or, worse, split the header), so it is refused here, before any verify callback sees it.
  if (!HEADER_SAFE.test(accessToken))
    throw invalidResponse('token body "access_token" property has characters a header cannot carry');
  if (
    body.token_type !== undefined &&
    (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer')
  ) {
    throw invalidResponse('token body "token_type" property must be "bearer"');
  }
  if (
    body.refresh_token !== undefined &&
    body.refresh_token !== null &&
    (typeof body.refresh_token !== 'string' || !HEADER_SAFE.test(body.refresh_token))
  ) {
    throw invalidResponse('token body "refresh_token" property must be a non-empty string');
  }
  // NOTE: since 2026-05-04 Bitbucket says `scope`; before, `scopes`. Accept both.
  const scopeText = [body.scope, body.scopes].find((s): s is string => typeof s === 'string') ?? '';
  const scopes = scopeText.split(/[\s,]+/).filter((s) => s !== '');
  const expiresIn = toSeconds(body.expires_in);
  const params = paramsOf(body, accessToken, scopes.join(' '), expiresIn);
  return { accessToken, refreshToken: optionalString(body.refresh_token), expiresIn, scopes, params };
}

/**
 * Every field of the body but `refresh_token`, in the body's order, with the normalized `access_token`, `scope`
 * and `expires_in` (absent when unusable). Copied field by field: an object rest, a spread and a `delete` per
 * login each took V8's slow paths.
 */
function paramsOf(
  body: Record<string, unknown>,
  accessToken: string,
  scope: string,
  expiresIn: number | undefined,
): BitbucketTokenParams {
  const params: Record<string, unknown> = {};
  for (const field of Object.keys(body)) {
    if (field === 'refresh_token' || (field === 'expires_in' && expiresIn === undefined)) continue;
    // NOTE: a `__proto__` field of a JSON body is data, as a spread copies it, never the object's prototype.
    if (field === '__proto__')
      Object.defineProperty(params, field, {
        value: body[field],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else params[field] = body[field];
  }
  params.access_token = accessToken;
  params.scope = scope;
  if (expiresIn !== undefined) params.expires_in = expiresIn;
  return params as BitbucketTokenParams;
}

/** `expires_in` as a whole, non-negative number of seconds (some servers send it as a string). */
function toSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
