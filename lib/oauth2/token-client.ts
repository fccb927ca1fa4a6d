import { excerpt, TokenEndpointFailure, TokenError, tokenRequestError } from '../errors';
import { httpRequest, type HttpLimits } from '../transport/http';
import { retryAfterSeconds } from '../transport/retry-after';
import { isObject, parseJSON } from '../parse/narrow';
import type { TraceTarget } from '../observe/channels';
import { traceToken, type StatusNote } from '../observe/trace-calls';
import { settle } from '../api/profile-loader';
import { parseTokenResponse, type TokenResponse } from '../parse/token-response';
import type { ClientAuthentication } from './types';

/** Everything a token request needs. */
export interface TokenClient extends HttpLimits {
  tokenURL: string;
  clientID: string;
  clientSecret: string;
  /**
   * NOTE: Bitbucket Cloud documents HTTP Basic for the client; Data Center takes the
   * credentials in the form body. The secret is sent one way only, never both.
   */
  clientAuthentication: ClientAuthentication;
  /** Who asks, for the `passport-bitbucket-oauth:token` channel and the debug log. */
  trace: TraceTarget;
}

/** Each client's Basic header, made once: the same on every request. */
const basicHeaders = new WeakMap<TokenClient, string>();

/** HTTP Basic credentials as RFC 6749 §2.3.1 says: form-encode each part, then base64. */
function basicCredentials(client: TokenClient): string {
  let header = basicHeaders.get(client);
  if (header === undefined) {
    const encode = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
    header = 'Basic ' + Buffer.from(`${encode(client.clientID)}:${encode(client.clientSecret)}`).toString('base64');
    basicHeaders.set(client, header);
  }
  return header;
}

/**
 * POSTs a form to the token endpoint and checks the answer.
 * Rejects with a `TransportError` (no answer), a {@link TokenEndpointFailure} (error status),
 * or a `BitbucketAPIError` (a 2xx that is not a usable token).
 *
 * NOTE: Bitbucket only accepts `application/x-www-form-urlencoded` here; a JSON body gets
 * `400 invalid_grant "Unsupported grant type: None"`.
 */
export function requestToken(client: TokenClient, params: Record<string, string>): Promise<TokenResponse> {
  return traceToken(
    { trace: client.trace, protocol: 'oauth2', grant: String(params.grant_type), url: client.tokenURL },
    (note) => sendTokenRequest(client, params, note),
    (token) => ({
      scopes: token.scopes,
      expiresIn: token.expiresIn ?? null,
      refreshToken: token.refreshToken !== undefined,
    }),
  );
}

/** The token request itself; notes the status as soon as the answer arrives. */
async function sendTokenRequest(
  client: TokenClient,
  params: Record<string, string>,
  note: StatusNote,
): Promise<TokenResponse> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (client.clientAuthentication === 'basic') {
    headers.Authorization = basicCredentials(client);
  } else {
    form.set('client_id', client.clientID);
    form.set('client_secret', client.clientSecret);
  }
  const response = await httpRequest({
    method: 'POST',
    url: client.tokenURL,
    headers,
    body: form.toString(),
    timeoutMs: client.timeoutMs,
    maxBytes: client.maxBytes,
    agent: client.agent,
    proxyFromEnv: client.proxyFromEnv,
  });
  note.status = response.status;
  if (response.status < 200 || response.status >= 300) {
    throw new TokenEndpointFailure(
      response.status,
      response.body,
      [
        client.clientSecret,
        headers.Authorization?.slice('Basic '.length),
        params.code,
        params.refresh_token,
        params.code_verifier,
      ],
      retryAfterSeconds(response.headers['retry-after']),
    );
  }
  return parseTokenResponse(parseJSON(response.body, response.status));
}

/**
 * Reads an RFC 6749 error body (`{"error":…,"error_description":…}`) into a `TokenError`,
 * or `null` when the body is not one. Bitbucket's description is shortened to one line.
 */
export function parseTokenErrorBody(body: string, status: number): TokenError | null {
  let json: unknown;
  try {
    json = parseJSON(body);
  } catch {
    return null;
  }
  if (!isObject(json) || typeof json.error !== 'string' || json.error === '') return null;
  const code = excerpt(json.error, 64);
  const description = typeof json.error_description === 'string' ? excerpt(json.error_description) : '';
  const uri = typeof json.error_uri === 'string' ? json.error_uri : undefined;
  // NOTE: error_description is optional (RFC 6749 §5.2); without it the message is the code, never `undefined`.
  return new TokenError(description !== '' ? description : code, code, uri, status);
}

/**
 * Turns whatever {@link requestToken} rejected with into passport-oauth2's error types. An
 * `InternalOAuthError`'s message carries the cause's one-line summary ("… did not answer within 10000 ms").
 */
export function toOAuthError(message: string, err: unknown): Error {
  const parsed = err instanceof TokenEndpointFailure ? parseTokenErrorBody(err.data, err.statusCode) : null;
  return tokenRequestError(message, err, parsed);
}

/**
 * Which token errors are the user's problem (`fail()`, so `failureRedirect` applies) rather than the
 * server's: a code that was replayed, expired or issued to another session. `null`: an error for `error()`.
 *
 * NOTE: Bitbucket answers `invalid_grant` both for a spent code and for a `redirect_uri` that differs from
 * the authorize request's; the second is a configuration bug that no retry fixes, so it stays an error.
 */
export function classifyTokenError(err: unknown): { message: string; status: number } | null {
  if (!(err instanceof TokenError) || err.code !== 'invalid_grant') return null;
  if (/redirect[_ ]?ur[il]/i.test(err.message)) return null;
  return { message: 'The sign-in link has expired or was already used. Please sign in again.', status: 400 };
}

/** The callback node-oauth's `getOAuthAccessToken` takes. */
type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: object) => void;

/**
 * node-oauth's `getOAuthAccessToken`, the one method passport-oauth2 calls for the code exchange, as a
 * request on this package's HTTP client.
 * NOTE: node-oauth posts the client secret in the body, parses any body as a token and has no timeout.
 * Failures go back raw: passport-oauth2 turns them into TokenError (via parseErrorResponse) or InternalOAuthError.
 */
export function codeExchange(
  client: TokenClient,
): (code: string, params: Record<string, string>, callback: TokenCallback) => void {
  return (code, params, callback) =>
    settle(requestToken(client, { ...params, code }), (err, token?: TokenResponse) =>
      err ? callback(err) : callback(null, token?.accessToken, token?.refreshToken, token?.params),
    );
}
