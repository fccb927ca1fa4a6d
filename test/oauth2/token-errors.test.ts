/**
 * Which token-endpoint refusals are the user's problem (a spent or expired code: `fail()`) and which are
 * the app's (a redirect_uri mismatch, a configuration bug: `error()` with a `TokenError`), and what an
 * `InternalOAuthError` says.
 */
import { BitbucketOAuth2Strategy, InternalOAuthError, TokenError } from 'passport-bitbucket-oauth';
import { followApp, login, lastMessage } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { cloudOptions, expectNoCredentials, errorTexts, useHarness } from './helpers';

guardProcess();

describe('a redirect_uri that differs between the authorize request and the token request', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
    // The callback leg names another (absolute) callback URL than the first leg did: a configuration bug.
    { app: { callbackOptions: { callbackURL: 'http://127.0.0.1/another-callback' } } },
  );

  it('is an error naming the redirect URI problem, not "the link has expired"', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    const err = harness().app.errors[0] as TokenError;
    expect(err).toBeInstanceOf(TokenError);
    expect(err.code).toBe('invalid_grant');
    expect(err.message).toMatch(/redirect_uri/);
    expectNoCredentials(errorTexts(err));
  });
});

describe('an authorization code that expired before the callback', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
    { mock: { authorizationCodeLifetimeSeconds: 0 } },
  );

  it('is the user’s problem: failureRedirect with "expired or was already used"', async () => {
    const agent = harness().app.agent();
    const { callback } = await login(agent);
    expect(callback?.headers.location).toBe('/failed');
    expect(lastMessage(await followApp(agent, callback!))).toBe(
      'The sign-in link has expired or was already used. Please sign in again.',
    );
    expect(harness().app.errors).toEqual([]);
  });
});

describe('a token endpoint that never answers', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock, { timeout: 300 }), (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('is an InternalOAuthError whose message says which endpoint and how long, without a secret', async () => {
    harness().mock.setFault('token', { kind: 'hang' });
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    const err = harness().app.errors[0] as InternalOAuthError;
    expect(err).toBeInstanceOf(InternalOAuthError);
    expect(err.message).toBe(
      `Failed to obtain access token: POST ${harness().mock.url}/site/oauth2/access_token did not answer within 300 ms`,
    );
    expectNoCredentials(errorTexts(err));
  });
});
