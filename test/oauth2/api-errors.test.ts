import { BitbucketAPIError, BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import type { MockEndpoint, MockFault } from 'passport-bitbucket-oauth/testing';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import {
  authorizeOnly,
  bearerTokenSeen,
  cloudOptions,
  errorTexts,
  expectNoCredentials,
  requestsTo,
  useHarness,
  waitFor,
} from './helpers';

guardProcess();

const verified: BitbucketProfile[] = [];
const harness = useHarness(
  (mock) =>
    new BitbucketOAuth2Strategy(
      { ...cloudOptions(mock), timeout: 300, maxResponseBytes: 4096 },
      (_a, _r, profile, done) => {
        verified.push(profile);
        done(null, { id: profile.id });
      },
    ),
);
beforeEach(() => verified.splice(0));

/**
 * Runs a login with a fault on one API endpoint. It must end in the app's error handler with a
 * BitbucketAPIError, never a login, with no credential in the error or the 500 page.
 */
async function failWith(endpoint: MockEndpoint, fault: MockFault): Promise<BitbucketAPIError> {
  const { mock, app } = harness();
  mock.setFault(endpoint, fault);
  const agent = app.agent();
  const { callback } = await login(agent);
  expect(callback?.status).toBe(500);
  expect(verified).toEqual([]);
  expect((await agent.get('/me')).body).toEqual({ user: null });
  expect(app.errors).toHaveLength(1);
  const err = app.errors[0];
  expect(err).toBeInstanceOf(BitbucketAPIError);
  expectNoCredentials([...errorTexts(err), callback?.text ?? ''], [bearerTokenSeen(mock)]);
  return err as BitbucketAPIError;
}

const userURL = (): string => `GET ${harness().mock.url}/2.0/user`;
const emailsURL = (): string => `GET ${harness().mock.url}/2.0/user/emails`;

describe('Bitbucket answering /2.0/user with a server error', () => {
  it('gives a BitbucketAPIError with the status and Bitbucket’s message from its error envelope', async () => {
    const err = await failWith('user', {
      kind: 'json',
      status: 503,
      body: { type: 'error', error: { message: 'Service Unavailable' } },
    });
    expect(err).toMatchObject({
      code: 'http',
      status: 503,
      url: userURL(),
      bitbucketMessage: 'Service Unavailable',
      message: `${userURL()} answered 503: Service Unavailable`,
      required: null,
      granted: null,
      retryAfter: null,
    });
  });

  it('gives a BitbucketAPIError for an HTML error page too', async () => {
    const err = await failWith('user', { kind: 'status', status: 500 });
    expect(err).toMatchObject({ code: 'http', status: 500, url: userURL() });
    expect(err.message.startsWith(`${userURL()} answered 500`)).toBe(true);
  });
});

describe('Bitbucket answering /2.0/user/emails with a server error', () => {
  it('fails the login as well (only a missing scope is forgiven)', async () => {
    const err = await failWith('emails', {
      kind: 'json',
      status: 500,
      body: { type: 'error', error: { message: 'Something went wrong' } },
    });
    expect(err).toMatchObject({
      code: 'http',
      status: 500,
      url: emailsURL(),
      bitbucketMessage: 'Something went wrong',
    });
  });
});

describe('a /2.0/user body that is not JSON', () => {
  it('gives invalid_response with the status and the endpoint', async () => {
    const err = await failWith('user', { kind: 'badJson' });
    expect(err).toMatchObject({
      code: 'invalid_response',
      status: 200,
      url: userURL(),
      message: 'Bitbucket response body is not valid JSON',
    });
  });

  it('gives invalid_response for an empty body', async () => {
    const err = await failWith('user', { kind: 'emptyBody' });
    expect(err).toMatchObject({ code: 'invalid_response', message: 'Bitbucket response body is not valid JSON' });
  });
});

describe('a /2.0/user body of the wrong shape', () => {
  it('without a uuid: no login with an undefined id, but invalid_response', async () => {
    const err = await failWith('user', {
      kind: 'json',
      body: { type: 'user', username: 'jdoe', account_id: '5c65cab48bcc9e016aeece31' },
    });
    expect(err).toMatchObject({
      code: 'invalid_response',
      message: 'Bitbucket response user "uuid" property must be a non-empty string',
    });
  });

  it('with a numeric uuid: invalid_response', async () => {
    const err = await failWith('user', { kind: 'json', body: { type: 'user', uuid: 42, username: 'jdoe' } });
    expect(err).toMatchObject({
      code: 'invalid_response',
      message: 'Bitbucket response user "uuid" property must be a non-empty string',
    });
  });

  it('as a list instead of an object: invalid_response', async () => {
    const err = await failWith('user', { kind: 'json', body: [{ uuid: '{x}' }] });
    expect(err).toMatchObject({ code: 'invalid_response', message: 'Bitbucket response user must be a JSON object' });
  });

  it('an emails page whose values is not a list: invalid_response', async () => {
    const err = await failWith('emails', { kind: 'json', body: { values: 'a@example.com' } });
    expect(err).toMatchObject({
      code: 'invalid_response',
      message: 'Bitbucket response emails page "values" property must be an array',
    });
  });
});

describe('Bitbucket refusing the access token with 401', () => {
  it('after the token expired between the exchange and the profile call: status 401, "Access token expired."', async () => {
    const { mock, app } = harness();
    // The user call waits 250 ms at the mock (the emails call answers at once); the token expires meanwhile.
    mock.setFault('user', { kind: 'delay', ms: 250 });
    const agent = app.agent();
    const callbackPath = await authorizeOnly(agent, mock);
    const pending = agent.get(callbackPath).then((r) => r);
    // The mock answers a request in the tick it logs it: once both are logged, emails has been answered.
    await waitFor(() => requestsTo(mock, 'user').length === 1 && requestsTo(mock, 'emails').length === 1);
    mock.expireAccessTokens();
    const callback = await pending;
    expect(callback.status).toBe(500);
    const err = app.errors[0];
    expect(err).toBeInstanceOf(BitbucketAPIError);
    expect(err).toMatchObject({
      code: 'http',
      status: 401,
      url: userURL(),
      bitbucketMessage: 'Access token expired.',
      message: `${userURL()} answered 401: Access token expired.`,
    });
    expect(verified).toEqual([]);
    expectNoCredentials([...errorTexts(err), callback.text], [bearerTokenSeen(mock)]);
  });

  it('with Bitbucket’s "Token is invalid…" envelope', async () => {
    const message = 'Token is invalid, expired, or not supported for this endpoint.';
    const err = await failWith('user', { kind: 'json', status: 401, body: { type: 'error', error: { message } } });
    expect(err).toMatchObject({ code: 'http', status: 401, bitbucketMessage: message });
  });
});

describe('Bitbucket rate limiting with 429', () => {
  it('gives status 429, the message and retryAfter from Retry-After', async () => {
    const err = await failWith('user', {
      kind: 'status',
      status: 429,
      body: 'Rate limit for this resource has been exceeded',
      headers: { 'Retry-After': '60' },
    });
    expect(err).toMatchObject({
      code: 'http',
      status: 429,
      retryAfter: 60,
      bitbucketMessage: 'Rate limit for this resource has been exceeded',
      message: `${userURL()} answered 429: Rate limit for this resource has been exceeded`,
    });
  });

  it('gives retryAfter null when Retry-After is absent', async () => {
    const err = await failWith('emails', {
      kind: 'status',
      status: 429,
      body: 'Rate limit for this resource has been exceeded',
    });
    expect(err).toMatchObject({ status: 429, retryAfter: null, url: emailsURL() });
  });
});

describe('Bitbucket answering /2.0/user with a redirect', () => {
  it('gives code "redirect" and does not follow it (the token stays with Bitbucket)', async () => {
    const location = `${harness().mock.url}/elsewhere/user`;
    const err = await failWith('user', { kind: 'redirect', location });
    expect(err).toMatchObject({ code: 'redirect', status: 302, url: userURL() });
    expect(harness().mock.requests.some((r) => r.path === '/elsewhere/user')).toBe(false);
  });
});

describe('Bitbucket not answering /2.0/user', () => {
  it('gives code "timeout" once `timeout` (300 ms) has passed, well within a second', async () => {
    const started = Date.now();
    const err = await failWith('user', { kind: 'hang' });
    const elapsed = Date.now() - started;
    expect(err).toMatchObject({
      code: 'timeout',
      status: null,
      url: userURL(),
      message: `${userURL()} did not answer within 300 ms`,
    });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1500);
  });

  it('gives code "timeout" for a body that trickles in forever', async () => {
    const err = await failWith('user', { kind: 'drip', intervalMs: 50 });
    expect(err).toMatchObject({ code: 'timeout', status: null });
  });
});

describe('a /2.0/user body larger than maxResponseBytes', () => {
  it('gives code "too_large"', async () => {
    const err = await failWith('user', { kind: 'huge', bytes: 100_000 });
    expect(err).toMatchObject({ code: 'too_large', message: `${userURL()} answered with more than 4096 bytes` });
  });
});

describe('the connection to /2.0/user being reset', () => {
  it('gives code "network"', async () => {
    const err = await failWith('user', { kind: 'reset' });
    expect(err).toMatchObject({ code: 'network', status: null, url: userURL() });
  });
});
