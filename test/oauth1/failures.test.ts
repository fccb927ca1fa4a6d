import { BitbucketAPIError, InternalOAuthError, TokenError } from 'passport-bitbucket-oauth';
import type { MockEndpoint, MockFault } from 'passport-bitbucket-oauth/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { callsTo, timed, useCloud } from './helpers';

guardProcess();

/** A /2.0/user answer without `uuid` or `account_id`: the documented example (bitbucket-facts.md) with both removed. */
const USER_WITHOUT_IDS: unknown = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'user-without-ids.json'), 'utf8'),
);

describe("Bitbucket's REST API failing while the profile is read", () => {
  const harness = useCloud({ options: { timeout: 300 } });

  /** Runs one login with a fault on an endpoint and returns the one error the app's error handler got. */
  async function errorFrom(endpoint: MockEndpoint, fault: MockFault): Promise<BitbucketAPIError> {
    const { app, bitbucket, verified } = harness();
    bitbucket.setFault(endpoint, fault);
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(500);
    expect(verified).toEqual([]);
    expect(app.errors).toHaveLength(1);
    const err = app.errors[0];
    expect(err).toBeInstanceOf(BitbucketAPIError);
    return err as BitbucketAPIError;
  }

  it("a 5xx on /2.0/user is a BitbucketAPIError with the status and Bitbucket's message", async () => {
    const err = await errorFrom('user', {
      kind: 'json',
      status: 500,
      body: { type: 'error', error: { message: 'Something went wrong' } },
    });
    const { bitbucket } = harness();
    expect(err.message).toBe(`GET ${bitbucket.url}/2.0/user answered 500: Something went wrong`);
    expect({ code: err.code, status: err.status, bitbucketMessage: err.bitbucketMessage, url: err.url }).toEqual({
      code: 'http',
      status: 500,
      bitbucketMessage: 'Something went wrong',
      url: `GET ${bitbucket.url}/2.0/user`,
    });
  });

  it('a 503 HTML page on /2.0/user is a BitbucketAPIError with status 503', async () => {
    const err = await errorFrom('user', { kind: 'status', status: 503 });
    expect({ code: err.code, status: err.status }).toEqual({ code: 'http', status: 503 });
    expect(err.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/2\.0\/user answered 503 \(text\/html, \d+ bytes\)$/);
    expect(err.bitbucketMessage).toBeNull(); // markup is no message
  });

  it('bad JSON on /2.0/user is a BitbucketAPIError (invalid_response)', async () => {
    const err = await errorFrom('user', { kind: 'badJson' });
    expect(err.message).toBe('Bitbucket response body is not valid JSON');
    expect({ code: err.code, status: err.status }).toEqual({ code: 'invalid_response', status: 200 });
  });

  it('a /2.0/user of the wrong shape (an array) is a BitbucketAPIError (invalid_response)', async () => {
    const err = await errorFrom('user', { kind: 'json', body: [{ uuid: '{x}' }] });
    expect(err.message).toBe('Bitbucket response user must be a JSON object');
    expect(err.code).toBe('invalid_response');
  });

  it('a /2.0/user without an id is a BitbucketAPIError (invalid_response), never a profile', async () => {
    const err = await errorFrom('user', { kind: 'json', body: USER_WITHOUT_IDS });
    expect(err.message).toBe('Bitbucket response user "uuid" property must be a non-empty string');
    expect(err.code).toBe('invalid_response');
  });

  it('a hanging /2.0/user is a BitbucketAPIError (timeout) within the timeout option', async () => {
    const { value: err, ms } = await timed(() => errorFrom('user', { kind: 'hang' }));
    expect(err.message).toBe(`GET ${harness().bitbucket.url}/2.0/user did not answer within 300 ms`);
    expect({ code: err.code, status: err.status }).toEqual({ code: 'timeout', status: null });
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(2000);
  });

  it('a 500 on /2.0/user/emails fails the login too (only a 403 lets it go on without emails)', async () => {
    const err = await errorFrom('emails', {
      kind: 'json',
      status: 500,
      body: { type: 'error', error: { message: 'Internal' } },
    });
    expect({ code: err.code, status: err.status, bitbucketMessage: err.bitbucketMessage }).toEqual({
      code: 'http',
      status: 500,
      bitbucketMessage: 'Internal',
    });
  });

  it('a 401 on /2.0/user (the access token refused) is a BitbucketAPIError that holds neither token nor secret', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('user', {
      kind: 'json',
      status: 401,
      body: { type: 'error', error: { message: 'Access token expired.' } },
    });
    const { callback } = await login(app.agent());
    const err = app.errors[0] as BitbucketAPIError;
    expect(err.status).toBe(401);
    const header = String(callsTo(bitbucket, 'user')[0]?.headers.authorization);
    const token = /oauth_token="([^"]+)"/.exec(header)?.[1] ?? 'missing';
    for (const text of [err.message, JSON.stringify(err), callback?.text ?? '']) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('mock-client-secret');
    }
  });
});

describe('the token endpoints failing', () => {
  const harness = useCloud({ options: { timeout: 300 } });

  it('a hanging request-token endpoint is an InternalOAuthError within the timeout option', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('requestToken', { kind: 'hang' });
    const { value: res, ms } = await timed(() => app.agent().get('/login'));
    expect(res.status).toBe(500);
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(2000);
    expect(app.errors).toHaveLength(1);
    const err = app.errors[0] as InternalOAuthError;
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err.message).toBe(
      `Failed to obtain request token: POST ${bitbucket.url}/api/1.0/oauth/request_token/ did not answer within 300 ms`,
    );
    expect((err.oauthError as Error).message).toBe(
      `POST ${bitbucket.url}/api/1.0/oauth/request_token/ did not answer within 300 ms`,
    );
  });

  it('a hanging access-token endpoint is an InternalOAuthError within the timeout option', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('accessToken', { kind: 'hang' });
    const { value: steps, ms } = await timed(() => login(app.agent()));
    expect(steps.callback?.status).toBe(500);
    expect(ms).toBeLessThan(2000);
    const err = app.errors[0] as InternalOAuthError;
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err.message).toBe(
      `Failed to obtain access token: POST ${bitbucket.url}/api/1.0/oauth/access_token/ did not answer within 300 ms`,
    );
    expect((err.oauthError as Error).message).toBe(
      `POST ${bitbucket.url}/api/1.0/oauth/access_token/ did not answer within 300 ms`,
    );
  });

  it('a request-token answer without a token is an InternalOAuthError saying what was missing', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('requestToken', { kind: 'status', status: 200, body: 'oauth_callback_confirmed=true' });
    expect((await app.agent().get('/login')).status).toBe(500);
    const err = app.errors[0] as InternalOAuthError;
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err.oauthError).toBeInstanceOf(BitbucketAPIError);
    expect((err.oauthError as BitbucketAPIError).message).toBe(
      'Bitbucket response token body must carry "oauth_token" and "oauth_token_secret"',
    );
  });

  it('an error status with an empty body is an InternalOAuthError with the status', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('requestToken', { kind: 'status', status: 502, body: '' });
    expect((await app.agent().get('/login')).status).toBe(500);
    const err = app.errors[0] as InternalOAuthError & { oauthError: { statusCode: number } };
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err.message).toBe('Failed to obtain request token: The token endpoint answered 502');
    expect(err.oauthError.statusCode).toBe(502);
  });

  it('an OAuth Problem Reporting answer (Data Center style) is a TokenError with the problem as code and the advice as message', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('requestToken', {
      kind: 'status',
      status: 401,
      body: 'oauth_problem=consumer_key_unknown&oauth_problem_advice=The%20consumer%20is%20not%20registered.',
    });
    expect((await app.agent().get('/login')).status).toBe(500);
    const err = app.errors[0] as TokenError;
    expect(err).toBeInstanceOf(TokenError);
    expect({ message: err.message, code: err.code, status: err.status }).toEqual({
      message: 'The consumer is not registered.',
      code: 'consumer_key_unknown',
      status: 401,
    });
  });

  it('an access-token answer "oauth_problem=token_expired" sends the user to failureRedirect, not to the error handler', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('accessToken', { kind: 'status', status: 401, body: 'oauth_problem=token_expired' });
    const agent = app.agent();
    const { callback } = await login(agent);
    expect(callback?.headers.location).toBe('/failed');
    expect((await followApp(agent, callback!)).body).toEqual({
      messages: ['The sign-in link has expired or was already used. Please sign in again.'],
    });
    expect(app.errors).toEqual([]);
  });

  it('an access-token 500 with a plain-text body is an InternalOAuthError: an outage, not a token error', async () => {
    const { app, bitbucket } = harness();
    bitbucket.setFault('accessToken', { kind: 'status', status: 500, body: 'Internal Server Error' });
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(500);
    const err = app.errors[0] as InternalOAuthError;
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err).not.toBeInstanceOf(TokenError);
    expect(err.message).toBe('Failed to obtain access token: The token endpoint answered 500');
    expect(err.oauthError).toMatchObject({ statusCode: 500, data: 'Internal Server Error' });
  });
});
