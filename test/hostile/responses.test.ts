/**
 * Hostile Bitbucket: whatever answers in Bitbucket's place (an outage, a proxy, an attacker on a
 * misconfigured network), every strategy and deployment ends each sign-in with a clear outcome: a
 * `fail()`, a typed error, or a sign-in that goes on without what was missing. Within the timeout,
 * without crashing, without a credential in any message, answer or log line, and the same app signs
 * the next user in.
 *
 * Error bodies follow bitbucket-facts.md ("API errors (Cloud)", "token errors", Data Center REST errors).
 */
import * as http from 'node:http';
import { BitbucketAPIError, InternalOAuthError, TokenError } from 'passport-bitbucket-oauth';
import type { MockEndpoint, MockFault } from 'passport-bitbucket-oauth/testing';
import { TokenEndpointFailure } from '../../lib/errors';
import { TransportError } from '../../lib/transport/http';
import { guardProcess } from '../support/process-guard';
import { attempt, type Attempt } from './attempt';
import {
  captureOutput,
  CLIENT_SECRET,
  RIG_KINDS,
  startRig,
  TIMEOUT_MS,
  type Rig,
  type RigKind,
  type SignedInUser,
} from './rig';

guardProcess();

/** Margin over the timeout for the rest of the sign-in (the other calls answer in milliseconds). */
const MARGIN_MS = 1000;
const FIFTY_MB = 50 * 1024 * 1024;
const DRIP: MockFault = { kind: 'drip', intervalMs: 50 };

type ErrorClass = typeof BitbucketAPIError | typeof TokenError | typeof InternalOAuthError;

type CauseClass = typeof TransportError | typeof BitbucketAPIError | typeof TokenEndpointFailure;

interface ErrorSpec {
  class: ErrorClass;
  code?: string | null;
  status?: number | null;
  message: RegExp;
  retryAfter?: number | null;
  bitbucketMessage?: string | null;
  /** For errors passport wraps in `InternalOAuthError`: what it wraps. */
  cause?: { class: CauseClass; code?: string; statusCode?: number; message?: RegExp };
}

type Expectation =
  | { outcome: 'success'; check?: (user: SignedInUser, rig: Rig) => void }
  | { outcome: 'fail'; message?: RegExp }
  | { outcome: 'error'; error: ErrorSpec; fast?: boolean };

interface Row {
  title: string;
  /** Use the app that reads the profile through the hostile server. */
  proxied?: boolean;
  arrange: (rig: Rig) => void;
  expect: Expectation;
  /** Extra checks after the attempt. */
  also?: (rig: Rig, result: Attempt) => void;
}

type ErrorExpectation = Extract<Expectation, { outcome: 'error' }>;

const apiError = (
  code: string,
  status: number | null,
  message: RegExp,
  extra: Partial<ErrorSpec> = {},
): ErrorExpectation => ({
  outcome: 'error',
  error: { class: BitbucketAPIError, code, status, message, ...extra },
});

/** A token-endpoint failure passport wraps: `InternalOAuthError` around what our client rejected with. */
const wrapped = (leg: 'request' | 'access', cause: ErrorSpec['cause'], fast = false): Expectation => ({
  outcome: 'error',
  fast,
  error: {
    class: InternalOAuthError,
    code: null,
    status: null,
    // The cause's one-line summary follows, so the message alone explains the failure.
    message: new RegExp(`^Failed to obtain ${leg} token: \\S`),
    cause,
  },
});

const invalid = (message: RegExp, status: number | null = null): Expectation =>
  apiError('invalid_response', status, message);

/** Nothing was requested from the hostile server's `path`. */
const untouched =
  (path: string) =>
  (rig: Rig): void => {
    expect(rig.hostile.requests.filter((r) => r.url.startsWith(path))).toEqual([]);
  };

function cloudEnvelope(message: string, detail?: unknown): unknown {
  return { type: 'error', error: { message, ...(detail !== undefined ? { detail } : {}) } };
}
function dcEnvelope(message: string): unknown {
  return { errors: [{ context: null, message, exceptionName: 'com.atlassian.bitbucket.AuthorisationException' }] };
}

/** `endpoint` answers `status` in plain text with `Retry-After: seconds`: the error carries `retryAfter`. */
function retryAfterRow(endpoint: MockEndpoint, status: number, body: string, seconds: number): Row {
  return {
    title: `${endpoint} answers ${status} with Retry-After`,
    arrange: (r) =>
      r.mock.setFault(endpoint, { kind: 'status', status, body, headers: { 'Retry-After': String(seconds) } }),
    expect: apiError('http', status, new RegExp(`answered ${status}: ${body}$`), { retryAfter: seconds }),
  };
}

/** Faults every profile endpoint (user, emails, whoami, users) must survive. */
function profileRows(kind: RigKind, endpoint: 'user' | 'emails' | 'whoami' | 'dcUser'): Row[] {
  const dc = kind.endsWith('-dc');
  const envelope = (m: string): unknown => (dc ? dcEnvelope(m) : cloudEnvelope(m));
  // NOTE: whoami's body only ever picks one of the X-AUSERNAME header's readings, so a broken 200 body there is harmless.
  const bodyIgnored = endpoint === 'whoami';
  const rows: Row[] = [
    {
      title: `${endpoint} answers 500 with an HTML error page`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'status', status: 500 }),
      // NOTE: an HTML page is no message: the error names its type and size instead of quoting markup.
      expect: apiError('http', 500, /answered 500 \(text\/html, \d+ bytes\)$/, { bitbucketMessage: null }),
    },
    {
      title: `${endpoint} answers 502 with an empty body`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'emptyBody', status: 502 }),
      expect: apiError('http', 502, /^GET http:\/\/127\.0\.0\.1:\d+\/[^ ]+ answered 502$/),
    },
    {
      title: `${endpoint} answers 503 in plain text, without an envelope`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'status', status: 503, body: 'Service Unavailable' }),
      expect: apiError('http', 503, /answered 503: Service Unavailable$/, { retryAfter: null }),
    },
    // A 503 (maintenance) may say when to come back, as a 429 does.
    retryAfterRow(endpoint, 503, 'Service Unavailable', 7),
    {
      title: `${endpoint} answers 401 with Bitbucket's envelope`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'json', status: 401, body: envelope('Access token expired.') }),
      expect: apiError('http', 401, /answered 401: Access token expired\.$/),
    },
    retryAfterRow(endpoint, 429, 'Rate limit for this resource has been exceeded', 120),
    {
      title: `${endpoint} answers 200 with an empty body`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'emptyBody' }),
      expect: bodyIgnored ? { outcome: 'success' } : invalid(/^Bitbucket response body is not valid JSON$/, 200),
    },
    {
      title: `${endpoint} answers 200 with truncated JSON`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'badJson' }),
      expect: bodyIgnored ? { outcome: 'success' } : invalid(/^Bitbucket response body is not valid JSON$/, 200),
    },
    {
      title: `${endpoint} answers with a 50 MB body`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'huge', bytes: FIFTY_MB }),
      expect: { ...apiError('too_large', null, /answered with more than 1048576 bytes$/), fast: true },
    },
    {
      title: `${endpoint} never starts answering`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'hang' }),
      expect: apiError('timeout', null, new RegExp(`did not answer within ${TIMEOUT_MS} ms$`)),
    },
    {
      title: `${endpoint} drip-feeds its body past the timeout`,
      arrange: (r) => r.mock.setFault(endpoint, DRIP),
      expect: apiError('timeout', null, new RegExp(`did not answer within ${TIMEOUT_MS} ms$`)),
    },
    {
      title: `${endpoint} redirects elsewhere (never followed)`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'redirect', location: `${r.hostile.url}/elsewhere` }),
      expect: apiError('redirect', 302, /answered 302$/),
      also: untouched('/elsewhere'),
    },
    {
      title: `${endpoint} resets the connection`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'reset' }),
      expect: apiError('network', null, /failed: socket hang up$|closed the connection/),
    },
  ];
  if (endpoint === 'user' || endpoint === 'whoami') {
    const rateLimited = (retryAfter: string): MockFault => ({
      kind: 'status',
      status: 429,
      body: 'Rate limit for this resource has been exceeded',
      headers: { 'Retry-After': retryAfter },
    });
    rows.push(
      {
        title: `${endpoint} answers 429 with Retry-After as an HTTP-date`,
        arrange: (r) => r.mock.setFault(endpoint, rateLimited(new Date(Date.now() + 90_000).toUTCString())),
        expect: apiError('http', 429, /answered 429/),
        also: (_r, result) => expect(result.error?.retryAfter).toEqual(expect.closeTo(90, -1)),
      },
      {
        title: `${endpoint} answers 429 with an empty Retry-After (not "retry now")`,
        arrange: (r) => r.mock.setFault(endpoint, rateLimited('')),
        expect: apiError('http', 429, /answered 429/, { retryAfter: null }),
      },
      {
        title: `${endpoint} answers 429 with a Retry-After that is not a number of seconds`,
        arrange: (r) => r.mock.setFault(endpoint, rateLimited('1e3')),
        expect: apiError('http', 429, /answered 429/, { retryAfter: null }),
      },
    );
  }
  if (endpoint === 'emails') {
    rows.push({
      title: 'emails answers 403 for a consumer without the email scope: the sign-in goes on without emails',
      arrange: (r) =>
        r.mock.setFault('emails', {
          kind: 'json',
          status: 403,
          body: cloudEnvelope('Your credentials lack one or more required privilege scopes.', {
            required: ['email'],
            granted: ['account'],
          }),
        }),
      expect: {
        outcome: 'success',
        check: (user) => {
          expect(user.emails).toEqual([]);
          expect(user.emailsError).toEqual({
            status: 403,
            message: 'Your credentials lack one or more required privilege scopes.',
            required: ['email'],
            granted: ['account'],
          });
        },
      },
    });
  } else {
    rows.push({
      title: `${endpoint} answers 403 with Bitbucket's envelope`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'json', status: 403, body: envelope('Access denied.') }),
      expect: apiError('http', 403, /answered 403: Access denied\.$/),
    });
  }
  return rows;
}

/** Faults of the token endpoints: OAuth 2.0 `token`, OAuth 1.0a `requestToken` (first leg) and `accessToken`. */
function tokenRows(kind: RigKind, endpoint: 'token' | 'requestToken' | 'accessToken'): Row[] {
  const oauth1 = endpoint !== 'token';
  const dc = kind.endsWith('-dc');
  const leg = endpoint === 'requestToken' ? 'request' : 'access';
  const wrap = (cause: ErrorSpec['cause'], fast = false): Expectation => wrapped(leg, cause, fast);
  const rows: Row[] = [
    {
      title: `${endpoint} answers 500 with an HTML error page`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'status', status: 500 }),
      // NOTE: a 5xx is an outage, not a token error, in both protocols.
      expect: wrap({ class: TokenEndpointFailure, statusCode: 500 }),
    },
    {
      title: `${endpoint} answers 200 with an empty body`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'emptyBody' }),
      expect: wrap({
        class: BitbucketAPIError,
        code: 'invalid_response',
        message: oauth1 ? /must carry "oauth_token" and "oauth_token_secret"$/ : /body is not valid JSON$/,
      }),
    },
    {
      title: `${endpoint} answers 200 with truncated JSON`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'badJson' }),
      expect: wrap({ class: BitbucketAPIError, code: 'invalid_response' }),
    },
    {
      title: `${endpoint} answers with a 50 MB body`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'huge', bytes: FIFTY_MB }),
      expect: wrap({ class: TransportError, code: 'too_large', message: /more than 1048576 bytes$/ }, true),
    },
    {
      title: `${endpoint} never starts answering`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'hang' }),
      expect: wrap({ class: TransportError, code: 'timeout' }),
    },
    {
      title: `${endpoint} drip-feeds its body past the timeout`,
      arrange: (r) => r.mock.setFault(endpoint, DRIP),
      expect: wrap({ class: TransportError, code: 'timeout' }),
    },
    {
      title: `${endpoint} redirects elsewhere (never followed)`,
      arrange: (r) =>
        r.mock.setFault(endpoint, { kind: 'redirect', status: 307, location: `${r.hostile.url}/elsewhere` }),
      expect: wrap({ class: TokenEndpointFailure, statusCode: 307 }),
      also: untouched('/elsewhere'),
    },
    {
      title: `${endpoint} resets the connection`,
      arrange: (r) => r.mock.setFault(endpoint, { kind: 'reset' }),
      expect: wrap({ class: TransportError, code: 'network' }),
    },
    {
      title: `${endpoint} answers 429 with Retry-After`,
      arrange: (r) =>
        r.mock.setFault(endpoint, {
          kind: 'status',
          status: 429,
          body: 'Rate limit for this resource has been exceeded',
          headers: { 'Retry-After': '60' },
        }),
      expect: wrap({ class: TokenEndpointFailure, statusCode: 429 }),
    },
  ];
  if (!oauth1) {
    rows.push(
      {
        title: "token answers 400 with Bitbucket's RFC 6749 error body",
        arrange: (r) =>
          r.mock.setFault('token', {
            kind: 'json',
            status: 400,
            body: { error_description: 'No callback uri defined for the OAuth client.', error: 'invalid_request' },
          }),
        expect: {
          outcome: 'error',
          error: {
            class: TokenError,
            code: 'invalid_request',
            status: 400,
            message: /^No callback uri defined for the OAuth client\.$/,
          },
        },
      },
      {
        title: 'token answers 400 invalid_grant: the user is sent to sign in again',
        arrange: (r) =>
          r.mock.setFault('token', {
            kind: 'json',
            status: 400,
            body: { error_description: 'The authorization code is invalid or has expired', error: 'invalid_grant' },
          }),
        expect: { outcome: 'fail', message: /expired or was already used/ },
      },
      {
        title: 'token answers a token of the wrong type (token_type "mac"), its secrets kept out of the message',
        arrange: (r) =>
          r.mock.setFault('token', {
            kind: 'json',
            body: {
              access_token: 'LEAKY-access-token-0123456789',
              refresh_token: 'LEAKY-refresh-token-0123456789',
              token_type: 'mac',
            },
          }),
        expect: wrap({
          class: BitbucketAPIError,
          code: 'invalid_response',
          message: /"token_type" property must be "bearer"$/,
        }),
      },
      {
        title: 'token answers an access_token that is a number',
        arrange: (r) => r.mock.setFault('token', { kind: 'json', body: { access_token: 42, token_type: 'bearer' } }),
        expect: wrap({
          class: BitbucketAPIError,
          code: 'invalid_response',
          message: /"access_token" property must be a non-empty string$/,
        }),
      },
      {
        title: 'token answers an access token with CR LF in it: no header is injected into the profile call',
        arrange: (r) =>
          r.mock.setFault('token', {
            kind: 'json',
            body: { access_token: 'tok\r\nX-Injected: 1', token_type: 'bearer' },
          }),
        // The token endpoint's answer is refused before any verify callback or header sees the token.
        expect: wrap({
          class: BitbucketAPIError,
          code: 'invalid_response',
          message: /"access_token" property has characters a header cannot carry$/,
        }),
        also: (r) => expect(r.mock.requests.filter((q) => 'x-injected' in q.headers)).toEqual([]),
      },
      {
        title: 'token answers 200 with an RFC 6749 error body instead of a token',
        arrange: (r) => r.mock.setFault('token', { kind: 'json', body: { error: 'invalid_grant' } }),
        expect: wrap({ class: BitbucketAPIError, code: 'invalid_response' }),
      },
    );
  } else {
    rows.push(
      {
        title: `${endpoint} refuses the request in Bitbucket's own words`,
        arrange: (r) =>
          dc
            ? r.mock.setFault(endpoint, {
                kind: 'status',
                status: 401,
                body: 'oauth_problem=signature_invalid',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              })
            : r.mock.setFault(endpoint, { kind: 'status', status: 401, body: 'Could not verify OAuth request.' }),
        expect: {
          outcome: 'error',
          error: dc
            ? { class: TokenError, code: 'signature_invalid', status: 401, message: /^signature_invalid$/ }
            : {
                class: TokenError,
                code: 'invalid_request',
                status: 401,
                message: /^Could not verify OAuth request\.$/,
              },
        },
      },
      {
        title: `${endpoint} answers a JSON token instead of a form`,
        arrange: (r) =>
          r.mock.setFault(endpoint, {
            kind: 'json',
            body: { oauth_token: 'LEAKY-oauth-token-0123456789', oauth_token_secret: 'LEAKY-oauth-secret-0123456789' },
          }),
        expect: wrap({ class: BitbucketAPIError, code: 'invalid_response' }),
      },
    );
    if (endpoint === 'accessToken') {
      rows.push({
        title: 'accessToken rejects the request token: the user is sent to sign in again',
        arrange: (r) =>
          dc
            ? r.mock.setFault('accessToken', { kind: 'status', status: 401, body: 'oauth_problem=token_rejected' })
            : r.mock.setFault('accessToken', { kind: 'status', status: 401, body: 'Invalid request token.' }),
        expect: { outcome: 'fail', message: /expired or was already used/ },
      });
    }
  }
  return rows;
}

/** Bodies of the right status but the wrong shape, and answers only a custom server can give. */
function shapeRows(kind: RigKind): Row[] {
  if (kind.endsWith('-dc')) {
    return [
      {
        title: 'users answers an id that is an object',
        arrange: (r) => r.mock.setFault('dcUser', { kind: 'json', body: { id: { n: 1 }, name: 'jdoe', slug: 'jdoe' } }),
        expect: invalid(/user "id" property must be an integer$/),
      },
      {
        title: 'users answers a JSON array',
        arrange: (r) => r.mock.setFault('dcUser', { kind: 'json', body: [{ id: 1, name: 'jdoe' }] }),
        expect: invalid(/user must be a JSON object$/),
      },
      {
        title: 'users describes another user than whoami named',
        arrange: (r) =>
          r.mock.setFault('dcUser', {
            kind: 'json',
            body: { id: 666, name: 'admin', slug: 'admin', displayName: 'Admin' },
          }),
        expect: invalid(/^Bitbucket response users resource describes another user than whoami named$/, 200),
      },
      {
        title: 'users sends a javascript: avatar: the sign-in goes on without a photo',
        arrange: (r) =>
          r.mock.setFault('dcUser', {
            kind: 'json',
            body: {
              id: 1,
              name: 'jdoe',
              slug: 'jdoe',
              displayName: 'Jane',
              avatarUrl: 'javascript:alert(1)',
              links: 'x',
            },
          }),
        expect: {
          outcome: 'success',
          check: (user) => {
            expect(user.photos).toEqual([]);
            expect(user.profileUrl).toBeNull();
          },
        },
      },
      {
        title: 'users sends an avatar path starting /\\ (another host to a URL parser): no photo',
        arrange: (r) =>
          r.mock.setFault('dcUser', {
            kind: 'json',
            body: { id: 1, name: 'jdoe', slug: 'jdoe', displayName: 'Jane', avatarUrl: '/\\evil.example/a.png' },
          }),
        expect: { outcome: 'success', check: (user) => expect(user.photos).toEqual([]) },
      },
      {
        title: 'whoami answers 200 without X-AUSERNAME (the token was not accepted)',
        proxied: true,
        arrange: (r) =>
          r.hostile.on('/plugins/servlet/applinks/whoami', (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('jdoe');
          }),
        expect: invalid(/whoami carries no X-AUSERNAME header/, 200),
      },
      {
        title: 'whoami names a user with a path in it: the name stays one path segment',
        proxied: true,
        arrange: (r) =>
          r.hostile.on('/plugins/servlet/applinks/whoami', (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain', 'x-ausername': '..%2F..%2Fadmin%3Fx%3D1' });
            res.end();
          }),
        expect: apiError('http', 404, /answered 404: User \.\.\/\.\.\/admin\?x=1 does not exist\.$/),
        also: (r) => {
          const users = r.hostile.requests.filter((q) => q.url.startsWith('/rest/api/latest/users/'));
          expect(users.map((q) => q.url)).toEqual(['/rest/api/latest/users/..%2F..%2Fadmin%3Fx%3D1?avatarSize=256']);
        },
      },
      {
        title: 'whoami names a user in broken percent-encoding: the name is used as it is, encoded',
        proxied: true,
        arrange: (r) =>
          r.hostile.on('/plugins/servlet/applinks/whoami', (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain', 'x-ausername': '100%zz' });
            res.end();
          }),
        expect: apiError('http', 404, /answered 404: User 100%zz does not exist\.$/),
        also: (r) =>
          expect(
            r.hostile.requests.filter((q) => q.url.startsWith('/rest/api/latest/users/')).map((q) => q.url),
          ).toEqual(['/rest/api/latest/users/100%25zz?avatarSize=256']),
      },
      {
        title: 'whoami answers 401 with a page that echoes our Authorization header',
        proxied: true,
        arrange: (r) =>
          r.hostile.on('/plugins/servlet/applinks/whoami', (req, res) => {
            res.writeHead(401, { 'content-type': 'text/plain' });
            res.end(`Unauthorized. You sent: Authorization: ${String(req.headers.authorization)}`);
          }),
        expect: apiError('http', 401, /answered 401: Unauthorized\. You sent: Authorization: /),
      },
    ];
  }
  return [
    {
      title: 'user answers 500 while emails never answers: the emails call is cancelled at once',
      arrange: (r) => {
        r.mock.setFault('user', { kind: 'status', status: 500 });
        r.mock.setFault('emails', { kind: 'hang' });
      },
      expect: { ...apiError('http', 500, /\/2\.0\/user answered 500/), fast: true },
    },
    {
      title: 'emails answers 500 while user never answers: the user call is cancelled at once',
      arrange: (r) => {
        r.mock.setFault('user', { kind: 'hang' });
        r.mock.setFault('emails', { kind: 'status', status: 500 });
      },
      expect: { ...apiError('http', 500, /\/2\.0\/user\/emails answered 500/), fast: true },
    },
    {
      title: 'user answers a uuid that is a number',
      arrange: (r) =>
        r.mock.setFault('user', {
          kind: 'json',
          body: { uuid: 768, account_id: '5c65cab48bcc9e016aeece31', display_name: 'x' },
        }),
      expect: invalid(/user "uuid" property must be a non-empty string$/),
    },
    {
      title: 'user answers a JSON array',
      arrange: (r) => r.mock.setFault('user', { kind: 'json', body: [{ uuid: '{x}' }] }),
      expect: invalid(/user must be a JSON object$/),
    },
    {
      title: 'user answers without links: the sign-in goes on without photos',
      arrange: (r) =>
        r.mock.setFault('user', {
          kind: 'json',
          body: { uuid: r.mock.users[0]!.uuid, username: 'jdoe', display_name: 'Jane Doe', type: 'user' },
        }),
      expect: {
        outcome: 'success',
        check: (user) => {
          expect(user.photos).toEqual([]);
          expect(user.profileUrl).toBeNull();
          expect(user.displayName).toBe('Jane Doe');
        },
      },
    },
    {
      title: 'user sends a javascript: avatar and a data: profile link: neither reaches the profile',
      arrange: (r) =>
        r.mock.setFault('user', {
          kind: 'json',
          body: {
            uuid: r.mock.users[0]!.uuid,
            display_name: 'Jane Doe',
            links: {
              avatar: { href: 'javascript:alert(1)' },
              html: { href: 'data:text/html,<script>alert(1)</script>' },
            },
          },
        }),
      expect: {
        outcome: 'success',
        check: (user) => {
          expect(user.photos).toEqual([]);
          expect(user.profileUrl).toBeNull();
        },
      },
    },
    {
      title: 'emails answers "values" that is not an array',
      arrange: (r) => r.mock.setFault('emails', { kind: 'json', body: { values: 'jane@example.com', pagelen: 10 } }),
      expect: invalid(/emails page "values" property must be an array$/),
    },
    {
      title: 'emails answers entries of the wrong types: only the well-formed address is kept',
      arrange: (r) =>
        r.mock.setFault('emails', {
          kind: 'json',
          body: { values: [1, null, 'x@example.com', { email: 5 }, { email: 'ok@example.com', is_primary: 'yes' }] },
        }),
      expect: { outcome: 'success', check: (user) => expect(user.emails).toEqual(['ok@example.com']) },
    },
    {
      title: 'emails "next" points to another host: the credentials never go there',
      arrange: (r) =>
        r.mock.setFault('emails', {
          kind: 'json',
          body: { values: [], next: `${r.hostile.url}/2.0/user/emails?page=2` },
        }),
      expect: invalid(/emails page "next" points to another origin/),
      also: untouched('/2.0/user/emails'),
    },
    {
      title: 'emails "next" is not a URL',
      arrange: (r) => r.mock.setFault('emails', { kind: 'json', body: { values: [], next: 'http://[::1' } }),
      expect: invalid(/emails page "next" property must be a URL$/),
    },
    {
      title: 'user sends half its body, then drops the connection',
      proxied: true,
      arrange: (r) =>
        r.hostile.on('/2.0/user', (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"uuid":"{768f8c62-7f2a-4914-bf33-');
          setTimeout(() => res.destroy(), 20);
        }),
      expect: apiError('network', null, /failed: aborted$|closed the connection mid-response$/),
    },
    {
      title: 'emails "next" loops back to a page already read',
      arrange: (r) =>
        r.mock.setFault('emails', { kind: 'json', body: { values: [], next: `${r.mock.url}/2.0/user/emails` } }),
      expect: invalid(/emails page "next" points to a page already read$/),
    },
    {
      title: 'emails "next" without "pagelen" (Bitbucket\'s documented shape): every page still asks for 100',
      proxied: true,
      arrange: (r) =>
        r.hostile.on('/2.0/user/emails', (req, res) => {
          // 130 addresses, the verified primary last, paged as Bitbucket pages (10 a page unless asked for more).
          const query = new URL(String(req.url), r.hostile.url).searchParams;
          const size = Number(query.get('pagelen') ?? 10);
          const page = Number(query.get('page') ?? 1);
          const values = Array.from({ length: 130 }, (_, i) => ({
            type: 'email',
            email: `user${i}@example.com`,
            is_primary: i === 129,
            is_confirmed: true,
          })).slice((page - 1) * size, page * size);
          const next = page * size < 130 ? { next: `${r.hostile.url}/2.0/user/emails?page=${page + 1}` } : {};
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ values, pagelen: size, page, size: 130, ...next }));
        }),
      expect: {
        outcome: 'success',
        check: (user) => {
          expect(user.emails).toHaveLength(130);
          expect(user.emails[0]).toBe('user129@example.com');
        },
      },
      also: (r) =>
        expect(r.hostile.requests.filter((q) => q.url.startsWith('/2.0/user/emails')).map((q) => q.url)).toEqual([
          '/2.0/user/emails?pagelen=100',
          '/2.0/user/emails?page=2&pagelen=100',
        ]),
    },
    {
      title: 'emails pages never end (a new "next" every time)',
      proxied: true,
      arrange: (r) =>
        r.hostile.on('/2.0/user/emails', (_req, res, n) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ values: [], next: `${r.hostile.url}/2.0/user/emails?page=${n + 1}` }));
        }),
      expect: invalid(/emails go on past the maxEmailPages limit \(10\)$/),
      also: (r) => expect(r.hostile.requests.filter((q) => q.url.startsWith('/2.0/user/emails'))).toHaveLength(10),
    },
    {
      title: 'user answers 401 with a page that echoes our Authorization header',
      proxied: true,
      arrange: (r) =>
        r.hostile.on('/2.0/user', (req, res) => {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify(cloudEnvelope(`Token rejected: ${String(req.headers.authorization)}`)));
        }),
      expect: apiError('http', 401, /answered 401: Token rejected: /),
    },
  ];
}

function rowsFor(kind: RigKind): Row[] {
  const oauth2 = kind.startsWith('oauth2');
  const profile = kind.endsWith('-dc') ? (['whoami', 'dcUser'] as const) : (['user', 'emails'] as const);
  return [
    ...(oauth2 ? tokenRows(kind, 'token') : [...tokenRows(kind, 'requestToken'), ...tokenRows(kind, 'accessToken')]),
    ...profile.flatMap((endpoint) => profileRows(kind, endpoint)),
    ...shapeRows(kind),
  ];
}

/** Sockets of the global agent still carrying a request, after a short grace for 'close' events. */
async function socketsInUse(): Promise<string[]> {
  for (let i = 0; i < 20; i++) {
    const busy = Object.entries(http.globalAgent.sockets).flatMap(([name, list]) => (list ?? []).map(() => name));
    if (busy.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Object.keys(http.globalAgent.sockets);
}

/** The text of an error and of whatever it wraps, for leak checks. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const fields = e as Error & Record<string, unknown>;
    parts.push(
      String(e),
      e.message,
      JSON.stringify(fields.bitbucketMessage ?? null),
      JSON.stringify(fields.data ?? null),
    );
    e = fields.oauthError ?? e.cause;
  }
  return parts.join('\n');
}

function checkError(result: Attempt, spec: ErrorSpec): void {
  const err = result.error!;
  expect(err).toBeInstanceOf(spec.class);
  expect(err.message).toMatch(spec.message);
  if (spec.code !== undefined) expect(err.code ?? null).toBe(spec.code);
  if (spec.status !== undefined) expect(err.status ?? null).toBe(spec.status);
  if (spec.retryAfter !== undefined) expect(err.retryAfter).toBe(spec.retryAfter);
  if (spec.bitbucketMessage !== undefined) expect(err.bitbucketMessage).toBe(spec.bitbucketMessage);
  // The app's 500 shows what the error says about itself, and nothing else.
  expect(result.response.body).toEqual({
    name: err.name,
    message: err.message,
    code: err.code ?? null,
    status: err.status ?? null,
  });
  if (spec.cause) {
    const cause = err.oauthError as Error & Record<string, unknown>;
    expect(cause).toBeInstanceOf(spec.cause.class);
    if (spec.cause.code !== undefined) expect(cause.code).toBe(spec.cause.code);
    if (spec.cause.statusCode !== undefined) expect(cause.statusCode).toBe(spec.cause.statusCode);
    if (spec.cause.message !== undefined) expect(cause.message).toMatch(spec.cause.message);
  }
}

describe.each(RIG_KINDS)('%s against a hostile Bitbucket', (kind) => {
  let rig: Rig;
  let output: ReturnType<typeof captureOutput> | undefined;

  beforeAll(async () => {
    rig = await startRig(kind);
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.hostile.requests.length = 0;
    output = captureOutput();
  });
  afterEach(() => {
    output?.restore();
    rig.mock.clearFaults();
    rig.hostile.clear();
  });

  it.each(rowsFor(kind))('$title', async (row) => {
    const app = row.proxied ? rig.proxied : rig.app;
    const errorsBefore = app.errors.length;
    row.arrange(rig);
    const result = await attempt(app);

    // The outcome, typed.
    expect(result.outcome).toBe(row.expect.outcome);
    if (row.expect.outcome === 'success') {
      expect(result.user?.id).toBe(rig.expectedId);
      row.expect.check?.(result.user!, rig);
    } else if (row.expect.outcome === 'fail') {
      if (row.expect.message) expect(result.messages.join('\n')).toMatch(row.expect.message);
    } else {
      checkError(result, row.expect.error);
      expect(app.errors).toHaveLength(errorsBefore + 1);
    }

    // Within the timeout: a body over the cap ends the call long before it.
    const fast = row.expect.outcome === 'error' && row.expect.fast === true;
    expect(result.elapsed).toBeLessThan(fast ? TIMEOUT_MS : TIMEOUT_MS + MARGIN_MS);

    row.also?.(rig, result);

    // No call to Bitbucket outlives the sign-in (the other call of a pair is cancelled, a timed-out one destroyed).
    expect(await socketsInUse()).toEqual([]);

    // No credential in the error, in anything the browser saw, or in anything logged.
    const secrets = rig.secrets();
    expect(secrets).toContain(CLIENT_SECRET);
    const exposed = [errorText(result.error), result.seen, output!.text()].join('\n');
    for (const secret of [...secrets, 'LEAKY-']) expect(exposed).not.toContain(secret);

    // The same app signs the next user in.
    rig.mock.clearFaults();
    rig.hostile.clear();
    const next = await attempt(app);
    expect(next.outcome).toBe('success');
    expect(next.user?.id).toBe(rig.expectedId);
  });
});
