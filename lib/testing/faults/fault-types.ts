/** Fault injection types of the mock Bitbucket (`passport-bitbucket-oauth/testing`). */

/**
 * The roles a fault can be attached to. Each name covers the Cloud route and the
 * Data Center route of the same role (for example `token` is both
 * `POST /site/oauth2/access_token` and `POST /rest/oauth2/latest/token`).
 * @example
 * mock.setFault('emails', { kind: 'status', status: 500 });
 */
export type MockEndpoint =
  | 'authorize'
  | 'token'
  | 'user'
  | 'emails'
  | 'workspaces'
  | 'requestToken'
  | 'oauth1Authorize'
  | 'accessToken'
  | 'whoami'
  | 'dcUser';

/**
 * A misbehaviour injected with {@link MockBitbucket.setFault}.
 *
 * - `deny`: the authorize routes send the user back as if they had clicked "Deny";
 *   any other endpoint answers 403 in its own error format.
 * - `status`: answers `status` with `body` (default: a small HTML error page) and `headers`.
 * - `json`: answers `status` (default 200) with `body` serialized as JSON.
 * - `badJson`: 200 `application/json` with truncated JSON.
 * - `hang`: never answers; the socket stays open until the client gives up or `close()`.
 * - `delay`: answers normally after `ms`.
 * - `drip`: sends headers, then one byte every `intervalMs`, forever.
 * - `huge`: 200 `application/json` of exactly `bytes` bytes, streamed.
 * - `redirect`: answers `status` (default 302) with a `Location` header.
 * - `reset`: destroys the socket without answering.
 * - `emptyBody`: answers `status` (default 200), `application/json`, zero bytes.
 * - `rateLimit`: 429 with `Retry-After` (`retryAfterSeconds`, default 60) and the product's JSON error body.
 * - `anonymous`: answers as if the request carried no `Authorization` (what a proxy that strips it produces):
 *   whoami then answers 200 with no body and no `X-AUSERNAME`.
 * @example
 * mock.setFault('token', { kind: 'status', status: 429, body: 'Rate limit for this resource has been exceeded', headers: { 'Retry-After': '60' } });
 * mock.setFault('user', { kind: 'hang' });                       // test your timeout
 * mock.setFault('authorize', { kind: 'deny' }, { times: 1 });    // the next login is refused
 */
export type MockFault =
  | { kind: 'deny' }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'json'; status?: number; body: unknown }
  | { kind: 'badJson' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  | { kind: 'drip'; intervalMs: number }
  | { kind: 'huge'; bytes: number }
  | { kind: 'redirect'; status?: number; location: string }
  | { kind: 'reset' }
  | { kind: 'emptyBody'; status?: number }
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  | { kind: 'anonymous' };

/**
 * Options of {@link MockBitbucket.setFault}.
 * @example
 * mock.setFault('user', { kind: 'reset' }, { times: 2 }); // two failures, then normal answers
 */
export interface MockFaultOptions {
  /** Apply the fault to the next `times` requests of the endpoint only, then clear it. Default: until cleared. */
  times?: number;
}
