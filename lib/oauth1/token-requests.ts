import { excerpt, TokenEndpointFailure, TokenError } from '../errors';
import { httpRequest, type HttpLimits } from '../transport/http';
import { retryAfterSeconds } from '../transport/retry-after';
import { invalidResponse } from '../parse/narrow';
import { settle } from '../api/profile-loader';
import type { OAuth1TokenClient } from './base';
import type { TraceTarget } from '../observe/channels';
import { traceToken, type StatusNote } from '../observe/trace-calls';
import { authorizationHeader, type ConsumerCredentials, type ParamPair } from './signature';

/** A token pair from the request-token or access-token endpoint, with the other fields sent. */
export interface OAuth1TokenPair {
  token: string;
  tokenSecret: string;
  /** The other fields of the answer (e.g. `oauth_callback_confirmed`). */
  params: Record<string, string>;
}

/** Everything a signed token request needs. */
export interface OAuth1Client extends HttpLimits {
  credentials: ConsumerCredentials;
  /** Who asks, for the `passport-bitbucket-oauth:token` channel and the debug log. */
  trace: TraceTarget;
}

/**
 * POSTs a signed request to a token endpoint and reads the form-encoded answer.
 * Protocol parameters (`oauth_*`) go in the Authorization header, others in the signed form body.
 */
export function requestTokenPair(
  client: OAuth1Client,
  url: string,
  params: Record<string, string | undefined>,
  token?: { token: string; tokenSecret: string },
): Promise<OAuth1TokenPair> {
  return traceToken(
    { trace: client.trace, protocol: 'oauth1', grant: token ? 'access_token' : 'request_token', url },
    (note) => sendTokenPairRequest(client, url, params, token, note),
    () => ({ scopes: [], expiresIn: null, refreshToken: false }),
  );
}

/** The signed request itself; notes the status as soon as the answer arrives. */
async function sendTokenPairRequest(
  client: OAuth1Client,
  url: string,
  params: Record<string, string | undefined>,
  token: { token: string; tokenSecret: string } | undefined,
  note: StatusNote,
): Promise<OAuth1TokenPair> {
  const oauthParams: Record<string, string> = {};
  const bodyParams: ParamPair[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (name.startsWith('oauth_')) oauthParams[name] = value;
    else bodyParams.push([name, value]);
  }
  const authorization = authorizationHeader({
    method: 'POST',
    url,
    credentials: client.credentials,
    oauthParams,
    bodyParams,
    ...(token ? { token: token.token, tokenSecret: token.tokenSecret } : {}),
  });
  const response = await httpRequest({
    method: 'POST',
    url,
    headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(bodyParams.map(([k, v]): [string, string] => [k, v])).toString(),
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
        client.credentials.consumerSecret,
        token?.token,
        token?.tokenSecret,
        params.oauth_verifier,
        // The signature proves the secrets; with PLAINTEXT it IS them.
        signatureIn(authorization),
      ],
      retryAfterSeconds(response.headers['retry-after']),
    );
  }
  const fields = Object.fromEntries(new URLSearchParams(response.body));
  const { oauth_token: newToken, oauth_token_secret: newSecret, ...rest } = fields;
  if (!newToken || !newSecret) {
    throw invalidResponse('token body must carry "oauth_token" and "oauth_token_secret"', response.status);
  }
  return { token: newToken, tokenSecret: newSecret, params: rest };
}

/** `oauth_problem` values (OAuth Problem Reporting) that mean the user's request token is no good. */
const REQUEST_TOKEN_PROBLEMS = new Set([
  'token_rejected',
  'token_expired',
  'token_revoked',
  'token_used',
  'permission_denied',
  'permissions_denied',
  'verifier_invalid',
]);

/** Codes of OAuth 1.0a token errors that are the user's doing (a stale or replayed sign-in), not the server's. */
export function isRequestTokenProblem(err: unknown): boolean {
  return err instanceof TokenError && (err.code === 'invalid_request_token' || REQUEST_TOKEN_PROBLEMS.has(err.code));
}

/**
 * Reads an OAuth 1.0a error answer into a `TokenError`, or `null` for an outage (5xx, 429 without an
 * `oauth_problem`), which the strategy reports as an `InternalOAuthError`.
 * NOTE: Bitbucket Cloud answers in plain text ("Invalid request token.", "Could not verify OAuth
 * request."); Data Center uses OAuth Problem Reporting (`oauth_problem=token_rejected`).
 */
export function parseOAuth1ErrorBody(body: string, status: number): TokenError | null {
  const problem = new URLSearchParams(body).get('oauth_problem');
  if (problem) {
    const advice = new URLSearchParams(body).get('oauth_problem_advice');
    return new TokenError(excerpt(advice ?? problem), excerpt(problem, 64), undefined, status);
  }
  if (status >= 500 || status === 429 || status < 400) return null;
  const text = excerpt(body) || `HTTP ${status}`;
  return new TokenError(
    text,
    /invalid request token/i.test(text) ? 'invalid_request_token' : 'invalid_request',
    undefined,
    status,
  );
}

/** The `oauth_signature` an Authorization header carries, decoded. */
function signatureIn(authorization: string): string | undefined {
  const encoded = /oauth_signature="([^"]*)"/.exec(authorization)?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
}

/** Hands a token request's outcome to node-oauth's callback style. */
function toCallback(
  pair: Promise<OAuth1TokenPair>,
  callback: (err: unknown, token?: string, tokenSecret?: string, params?: Record<string, string>) => void,
): void {
  settle(pair, (err, result?: OAuth1TokenPair) =>
    err ? callback(err) : callback(null, result?.token, result?.tokenSecret, result?.params),
  );
}

/** The two node-oauth methods passport-oauth1 calls, as signed requests on this package's HTTP client. */
export function nodeOAuthTokenCalls(
  client: OAuth1Client,
  requestTokenURL: string,
  accessTokenURL: string,
): OAuth1TokenClient {
  return {
    getOAuthRequestToken: (params, callback) => toCallback(requestTokenPair(client, requestTokenURL, params), callback),
    getOAuthAccessToken: (token, tokenSecret, verifier, callback) =>
      toCallback(
        requestTokenPair(client, accessTokenURL, { oauth_verifier: verifier ?? undefined }, { token, tokenSecret }),
        callback,
      ),
  };
}
