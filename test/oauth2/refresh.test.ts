import { BitbucketOAuth2Strategy, InternalOAuthError, TokenError } from 'passport-bitbucket-oauth';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { cloudOptions, errorTexts, expectNoCredentials, formOf, JDOE_UUID, onlyRequestTo, useHarness } from './helpers';

guardProcess();

const refreshTokens: string[] = [];
const harness = useHarness(
  (mock) =>
    new BitbucketOAuth2Strategy({ ...cloudOptions(mock), timeout: 300 }, (_a, refreshToken, profile, done) => {
      if (refreshToken !== undefined) refreshTokens.push(refreshToken);
      done(null, { id: profile.id });
    }),
);
const strategy = (): BitbucketOAuth2Strategy => harness().strategy;

/** Another strategy object on the same mock, with `changed` options: as an app building one per tenant would. */
const anotherStrategy = (changed: { clientID?: string; clientSecret?: string } = {}): BitbucketOAuth2Strategy =>
  new BitbucketOAuth2Strategy({ ...cloudOptions(harness().mock), timeout: 300, ...changed }, (_a, _r, p, done) =>
    done(null, { id: p.id }),
  );

/** The token requests the mock received. */
const tokenRequests = (): unknown[] => harness().mock.requests.filter((r) => r.endpoint === 'token');

/** Signs jdoe in and returns the refresh token verify received. */
async function signIn(): Promise<string> {
  refreshTokens.splice(0);
  await login(harness().app.agent());
  expect(refreshTokens).toHaveLength(1);
  harness().mock.requests.splice(0);
  return refreshTokens[0]!;
}

/** Reads /2.0/user with a token, as an app would. */
async function userWith(accessToken: string): Promise<{ status: number; uuid: unknown }> {
  const res = await fetch(harness().mock.oauth2Endpoints().userProfileURL, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = (await res.json()) as { uuid?: unknown };
  return { status: res.status, uuid: body.uuid };
}

describe('strategy.refresh(refreshToken)', () => {
  it('returns a working access token, a NEW refresh token, its lifetime and the scopes', async () => {
    const old = await signIn();
    const tokens = await strategy().refresh(old);
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresIn: 7200,
      scopes: ['account', 'email'],
      params: {
        access_token: tokens.accessToken,
        scope: 'account email',
        expires_in: 7200,
        token_type: 'bearer',
        state: 'refresh_token',
      },
    });
    expect(tokens.refreshToken).not.toBe(old);
    expect(await userWith(tokens.accessToken)).toEqual({ status: 200, uuid: JDOE_UUID });
  });

  it('shares one request among calls made while it is in flight: Bitbucket would refuse the second as reused', async () => {
    const old = await signIn();
    const [first, second] = await Promise.all([strategy().refresh(old), strategy().refresh(old)]);
    expect(second).toEqual(first);
    expect(harness().mock.requests.filter((r) => r.endpoint === 'token')).toHaveLength(1);
    // Once answered, the old token is spent: a later call asks Bitbucket, which refuses it.
    await expect(strategy().refresh(old)).rejects.toBeInstanceOf(TokenError);
    // The new one works.
    expect((await strategy().refresh(first.refreshToken)).accessToken).not.toBe(first.accessToken);
  });

  it('shares it among strategy objects of the same client too (one per tenant, or built per request)', async () => {
    const old = await signIn();
    const [first, second] = await Promise.all([strategy().refresh(old), anotherStrategy().refresh(old)]);
    expect(second).toEqual(first);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('does not share it with another client: each client asks Bitbucket for its own', async () => {
    const old = await signIn();
    const otherClient = anotherStrategy({ clientID: 'other-client' });
    const [mine, theirs] = await Promise.allSettled([strategy().refresh(old), otherClient.refresh(old)]);
    expect(mine.status).toBe('fulfilled');
    // The mock knows no client "other-client": its request was made, and refused.
    expect(theirs.status).toBe('rejected');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('does not share it with a strategy of the same client ID but another secret: that one asks for itself', async () => {
    const old = await signIn();
    const wrongSecret = anotherStrategy({ clientSecret: 'not-the-secret' });
    const [theirs, mine] = await Promise.allSettled([wrongSecret.refresh(old), strategy().refresh(old)]);
    expect(theirs.status).toBe('rejected');
    expect(mine.status).toBe('fulfilled');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('hands each caller its own copy of the shared answer', async () => {
    const old = await signIn();
    const [first, second] = await Promise.all([strategy().refresh(old), strategy().refresh(old)]);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(second.params).not.toBe(first.params);
  });

  it('posts grant_type=refresh_token as a form, with HTTP Basic and no secret in the body', async () => {
    const old = await signIn();
    await strategy().refresh(old);
    const request = onlyRequestTo(harness().mock, 'token');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from('mock-client-id:mock-client-secret').toString('base64')}`,
    );
    expect(formOf(request)).toEqual({ grant_type: 'refresh_token', refresh_token: old });
  });

  it('rotates: the old refresh token is then refused with TokenError invalid_request "Invalid refresh_token"', async () => {
    const old = await signIn();
    await strategy().refresh(old);
    const refused = strategy().refresh(old);
    await expect(refused).rejects.toBeInstanceOf(TokenError);
    await expect(refused).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'Invalid refresh_token',
      status: 400,
    });
  });

  it('chains: the new refresh token refreshes again', async () => {
    const first = await strategy().refresh(await signIn());
    const second = await strategy().refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await userWith(second.accessToken)).toEqual({ status: 200, uuid: JDOE_UUID });
  });

  it('rejects a refresh token Bitbucket never issued with TokenError, naming neither token nor secret', async () => {
    const err: unknown = await strategy()
      .refresh('garbage-refresh-token')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ code: 'invalid_request', message: 'Invalid refresh_token' });
    expectNoCredentials(errorTexts(err), ['garbage-refresh-token']);
  });

  it('rejects an empty refresh token with a TypeError, without calling Bitbucket', async () => {
    await expect(strategy().refresh('')).rejects.toThrow(new TypeError('refresh() requires a refresh token'));
    expect(harness().mock.requests).toEqual([]);
  });

  it('rejects with an InternalOAuthError when Bitbucket answers 5xx', async () => {
    const old = await signIn();
    harness().mock.setFault('token', { kind: 'status', status: 503 });
    const err: unknown = await strategy()
      .refresh(old)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err).toMatchObject({
      message: 'Failed to obtain access token: The token endpoint answered 503',
      oauthError: { statusCode: 503 },
    });
    expectNoCredentials(errorTexts(err), [old]);
  });

  it('rejects with an InternalOAuthError (oauthError.code "timeout") when Bitbucket never answers', async () => {
    const old = await signIn();
    harness().mock.setFault('token', { kind: 'hang' });
    const started = Date.now();
    const err: unknown = await strategy()
      .refresh(old)
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err).toMatchObject({ oauthError: { code: 'timeout' } });
  });

  it('keeps the refresh token it was given when Bitbucket returns none (not rotated)', async () => {
    const old = await signIn();
    harness().mock.setFault('token', {
      kind: 'json',
      body: { access_token: 'new-access-token', scope: 'account', expires_in: '3600', token_type: 'bearer' },
    });
    expect(await strategy().refresh(old)).toEqual({
      accessToken: 'new-access-token',
      refreshToken: old,
      expiresIn: 3600,
      scopes: ['account'],
      params: { access_token: 'new-access-token', scope: 'account', expires_in: 3600, token_type: 'bearer' },
    });
  });
});
