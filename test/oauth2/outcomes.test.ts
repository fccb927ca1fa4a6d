import { BitbucketAPIError, BitbucketOAuth2Strategy, InternalOAuthError, TokenError } from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT } from 'passport-bitbucket-oauth/testing';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import {
  authorizeOnly,
  cloudOptions,
  errorTexts,
  expectNoCredentials,
  JDOE_UUID,
  locationQuery,
  requestsTo,
  useHarness,
} from './helpers';
import type { TestApp } from '../support/app';

guardProcess();

const EXPIRED = 'The sign-in link has expired or was already used. Please sign in again.';
const basicAuth = `Basic ${Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString('base64')}`;

describe('Bitbucket sending the user back with an error instead of a code', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('a denial (access_denied) goes to failureRedirect with a plain message', async () => {
    harness().mock.setFault('authorize', { kind: 'deny' }, { times: 1 });
    const agent = harness().app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/failed');
    expect((await followApp(agent, callback!)).body).toEqual({
      messages: ['You did not allow access to your Bitbucket account.'],
    });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
    expect(harness().app.errors).toEqual([]);
  });

  /** Starts a sign-in in a new browser; returns the browser and the state Bitbucket would send back. */
  async function started(): Promise<{ agent: ReturnType<TestApp['agent']>; state: string }> {
    const agent = harness().app.agent();
    return { agent, state: locationQuery(await agent.get('/login')).state ?? '' };
  }

  it('any other error (server_error) goes to failureRedirect too, with Bitbucket’s description, not to a 500', async () => {
    const { agent, state } = await started();
    const callback = await agent.get(`/callback?error=server_error&error_description=x&state=${state}`);
    expect(callback.status).toBe(302);
    expect((await followApp(agent, callback)).body).toEqual({
      messages: ['Bitbucket did not authorize the sign-in (server_error): x'],
    });
    expect(harness().app.errors).toEqual([]);
  });

  it('an error without a description is named in the message', async () => {
    const { agent, state } = await started();
    const callback = await agent.get(`/callback?error=temporarily_unavailable&state=${state}`);
    expect((await followApp(agent, callback)).body).toEqual({
      messages: ['Bitbucket did not authorize the sign-in (temporarily_unavailable)'],
    });
  });

  it('an error next to a code wins: the code is not exchanged', async () => {
    const { agent, state } = await started();
    const callback = await agent.get(`/callback?code=abc&error=access_denied&state=${state}`);
    expect((await followApp(agent, callback)).body).toEqual({
      messages: ['You did not allow access to your Bitbucket account.'],
    });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
  });
});

describe('a callback whose parameters no honest redirect carries', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('fails a repeated code without asking Bitbucket', async () => {
    const agent = harness().app.agent();
    const callback = await agent.get('/callback?code=a&code=b&state=s');
    expect(callback.status).toBe(302);
    expect((await followApp(agent, callback)).body).toEqual({
      messages: ['Malformed callback: "code" must appear once, as text'],
    });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
    expect(harness().app.errors).toEqual([]);
  });

  it('fails an oversized state without asking Bitbucket', async () => {
    const agent = harness().app.agent();
    const callback = await agent.get(`/callback?code=a&state=${'s'.repeat(5000)}`);
    expect((await followApp(agent, callback)).body).toEqual({ messages: ['Malformed callback: "state" is too long'] });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
  });
});

describe('a code that was already used', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('fails with "expired or already used" when someone else exchanged it first', async () => {
    const { mock, app } = harness();
    const agent = app.agent();
    const callbackPath = await authorizeOnly(agent, mock);
    const code = String(new URL(callbackPath, 'http://x').searchParams.get('code'));
    const stolen = await fetch(mock.oauth2Endpoints().tokenURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${app.url}/callback`,
      }).toString(),
    });
    expect(stolen.status).toBe(200);
    const callback = await agent.get(callbackPath);
    expect(callback.status).toBe(302);
    expect((await followApp(agent, callback)).body).toEqual({ messages: [EXPIRED] });
    expect((await agent.get('/me')).body).toEqual({ user: null });
    expect(app.errors).toEqual([]);
  });

  it('replaying the same callback URL in the same browser is stopped by the state, before Bitbucket is asked', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    expect((await agent.get(callbackPath)).status).toBe(200);
    const replay = await agent.get(callbackPath);
    expect((await followApp(agent, replay)).body).toEqual({
      messages: [
        'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.',
      ],
    });
    expect(requestsTo(harness().mock, 'token')).toHaveLength(1);
  });
});

describe('a replayed callback URL with state: false', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), state: false }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('reaches Bitbucket, which refuses the code (invalid_grant): the user is told to sign in again', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const first = await agent.get(callbackPath);
    expect(first.body.user).toEqual({ id: JDOE_UUID });
    const replay = await agent.get(callbackPath);
    expect(replay.status).toBe(302);
    expect((await followApp(agent, replay)).body).toEqual({ messages: [EXPIRED] });
    expect(requestsTo(harness().mock, 'token')).toHaveLength(2);
    expect(harness().app.errors).toEqual([]);
  });
});

describe('failures on the callback without failureRedirect', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), state: false }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
    { app: { callbackOptions: { failureRedirect: undefined, failureMessage: undefined } } },
  );

  it('answer 403 for a denial', async () => {
    const callback = await harness().app.agent().get('/callback?error=access_denied');
    expect(callback.status).toBe(403);
  });

  it('answer 400 for a used code', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    await agent.get(callbackPath);
    expect((await agent.get(callbackPath)).status).toBe(400);
    expect(harness().app.errors).toEqual([]);
  });
});

describe('the token endpoint failing', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), timeout: 300 }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  /** Runs a login that must end in the app's error handler; returns the error and the 500 body. */
  async function failingLogin(): Promise<{ err: Error; body: string }> {
    const agent = harness().app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(500);
    expect((await agent.get('/me')).body).toEqual({ user: null });
    expect(harness().app.errors).toHaveLength(1);
    const err = harness().app.errors[0]!;
    expectNoCredentials([...errorTexts(err), callback?.text ?? '']);
    return { err, body: callback?.text ?? '' };
  }

  it('with a 5xx: an InternalOAuthError reaches the error handler', async () => {
    harness().mock.setFault('token', { kind: 'status', status: 502 });
    const { err, body } = await failingLogin();
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err.message).toBe('Failed to obtain access token: The token endpoint answered 502');
    expect(err).toMatchObject({ oauthError: { statusCode: 502 } });
    expect(JSON.parse(body)).toEqual({
      name: 'InternalOAuthError',
      message: 'Failed to obtain access token: The token endpoint answered 502',
      code: null,
      status: null,
    });
  });

  it('with an RFC 6749 error without description: a TokenError named after the code, keeping error_uri', async () => {
    harness().mock.setFault('token', {
      kind: 'json',
      status: 401,
      body: { error: 'invalid_client', error_uri: 'https://example.com/why' },
    });
    const { err } = await failingLogin();
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({
      code: 'invalid_client',
      uri: 'https://example.com/why',
      status: 401,
      message: 'invalid_client',
    });
  });

  it('with a multi-line error description: a TokenError whose message is one line', async () => {
    harness().mock.setFault('token', {
      kind: 'json',
      status: 400,
      body: { error: 'invalid_request', error_description: 'Bad request.\r\nSee the docs.' },
    });
    const { err } = await failingLogin();
    expect(err).toMatchObject({ name: 'TokenError', code: 'invalid_request', message: 'Bad request. See the docs.' });
  });

  it('with a 400 that is not an RFC 6749 error body: an InternalOAuthError', async () => {
    harness().mock.setFault('token', {
      kind: 'json',
      status: 400,
      body: { type: 'error', error: { message: 'Bad request' } },
    });
    const { err } = await failingLogin();
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err).toMatchObject({ oauthError: { statusCode: 400 } });
  });

  it('with a plain-text 429: an InternalOAuthError keeping the status and the Retry-After, in seconds', async () => {
    harness().mock.setFault('token', {
      kind: 'status',
      status: 429,
      body: 'Rate limit for this resource has been exceeded',
      headers: { 'Retry-After': '30' },
    });
    const { err } = await failingLogin();
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err).toMatchObject({
      retryAfter: 30,
      oauthError: {
        statusCode: 429,
        retryAfter: 30,
        data: 'Rate limit for this resource has been exceeded',
      },
    });
  });

  it('with an RFC 6749 error and a Retry-After: a TokenError with retryAfter; without one, retryAfter null', async () => {
    harness().mock.setFault(
      'token',
      {
        kind: 'status',
        status: 503,
        body: '{"error":"temporarily_unavailable"}',
        headers: { 'Content-Type': 'application/json', 'Retry-After': '7' },
      },
      { times: 1 },
    );
    expect((await failingLogin()).err).toMatchObject({ name: 'TokenError', retryAfter: 7 });
    harness().app.errors.splice(0);
    harness().mock.setFault('token', { kind: 'status', status: 502 });
    expect((await failingLogin()).err).toMatchObject({ name: 'InternalOAuthError', retryAfter: null });
  });

  it('with a 200 that carries no access token: an InternalOAuthError wrapping a typed invalid_response', async () => {
    harness().mock.setFault('token', { kind: 'json', body: { token_type: 'bearer', scope: 'account' } });
    const { err } = await failingLogin();
    expect(err).toBeInstanceOf(InternalOAuthError);
    const cause: unknown = (err as { oauthError?: unknown }).oauthError;
    expect(cause).toBeInstanceOf(BitbucketAPIError);
    expect(cause).toMatchObject({
      code: 'invalid_response',
      message: 'Bitbucket response token body "access_token" property must be a non-empty string',
    });
  });

  it('with a 200 that is not JSON: an InternalOAuthError wrapping invalid_response', async () => {
    harness().mock.setFault('token', { kind: 'badJson' });
    const { err } = await failingLogin();
    expect(err).toMatchObject({
      oauthError: {
        code: 'invalid_response',
        message: 'Bitbucket response body is not valid JSON',
      },
    });
  });

  it('when it never answers: an InternalOAuthError whose oauthError.code is "timeout", within about the timeout', async () => {
    harness().mock.setFault('token', { kind: 'hang' });
    const started = Date.now();
    const { err } = await failingLogin();
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err).toMatchObject({ oauthError: { code: 'timeout' } });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1500);
  });

  it('when the connection is reset: an InternalOAuthError whose oauthError.code is "network"', async () => {
    harness().mock.setFault('token', { kind: 'reset' });
    const { err } = await failingLogin();
    expect(err).toMatchObject({ oauthError: { code: 'network' } });
  });
});

describe('a consumer configured with a wrong client secret', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), clientSecret: 'not-the-secret' }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  // The mock answers WRONG credentials 401 invalid_client (issue 11, point 7; Bitbucket's text is undocumented).
  it('gets TokenError invalid_client from the mock, and the secret it sent is not in the error', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    const err = harness().app.errors[0];
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ code: 'invalid_client', status: 401, message: 'Client authentication failed.' });
    for (const text of [...errorTexts(err), callback?.text ?? '']) expect(text).not.toContain('not-the-secret');
  });
});

describe('a consumer that has no callback URL at Bitbucket', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('is refused at authorize time: Bitbucket shows an error page and never comes back', async () => {
    const client = harness().mock.clients[0]!;
    const saved = client.callbackURL;
    client.callbackURL = undefined;
    try {
      const { authorize, callback } = await login(harness().app.agent());
      expect(authorize.status).toBe(400);
      expect(authorize.text).toContain('Invalid redirect_uri');
      expect(callback).toBeNull();
    } finally {
      client.callbackURL = saved;
    }
  });

  it('gets TokenError invalid_request "No callback uri defined…" when it lost its callback URL after authorize', async () => {
    const { mock, app } = harness();
    const agent = app.agent();
    const callbackPath = await authorizeOnly(agent, mock);
    const client = mock.clients[0]!;
    const saved = client.callbackURL;
    client.callbackURL = undefined;
    try {
      const callback = await agent.get(callbackPath);
      expect(callback.status).toBe(500);
      const err = app.errors[0];
      expect(err).toBeInstanceOf(TokenError);
      expect(err).toMatchObject({ code: 'invalid_request', message: 'No callback uri defined for the OAuth client.' });
      expectNoCredentials([...errorTexts(err), callback.text]);
    } finally {
      client.callbackURL = saved;
    }
  });
});
