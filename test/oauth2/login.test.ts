import type { Request } from 'express';
import {
  BitbucketOAuth2Strategy,
  type BitbucketOAuth2VerifyFunctionWithRequestAndParams,
  type BitbucketProfile,
  type BitbucketTokenParams,
} from 'passport-bitbucket-oauth';
import { guardProcess } from '../support/process-guard';
import { login } from '../support/flow';
import { bearerTokenSeen, cloudOptions, JDOE_UUID, onlyRequestTo, useHarness } from './helpers';

guardProcess();

interface Seen {
  accessToken: string;
  refreshToken: string | undefined;
  params?: BitbucketTokenParams;
  profile: BitbucketProfile;
  req?: Request;
}

describe('a successful sign-in with the 4-argument verify (accessToken, refreshToken, profile, done)', () => {
  const seen: Seen[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (accessToken, refreshToken, profile, done) => {
        seen.push({ accessToken, refreshToken, profile });
        done(null, { id: profile.id, email: profile.emails[0]?.value });
      }),
  );
  beforeEach(() => seen.splice(0));

  it('logs the user in with their uuid (braces kept) and primary email', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body).toEqual({ user: { id: JDOE_UUID, email: 'jane@example.com' }, authInfo: {} });
    expect(harness().app.errors).toEqual([]);
  });

  it('keeps the user in the session for the next requests of the same browser', async () => {
    const agent = harness().app.agent();
    await login(agent);
    expect((await agent.get('/me')).body).toEqual({ user: { id: JDOE_UUID, email: 'jane@example.com' } });
    expect((await harness().app.agent().get('/me')).body).toEqual({ user: null });
  });

  it('gives verify the access token the API accepted and a refresh token', async () => {
    await login(harness().app.agent());
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call?.accessToken).toBe(bearerTokenSeen(harness().mock));
    expect(call?.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(call?.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(call?.refreshToken).not.toBe(call?.accessToken);
  });

  it('gives verify the whole profile of the mock user jdoe', async () => {
    await login(harness().app.agent());
    const { url } = harness().mock;
    const profile = seen[0]?.profile;
    expect(profile).toEqual({
      provider: 'bitbucket',
      deployment: 'cloud',
      baseURL: 'https://bitbucket.org',
      id: JDOE_UUID,
      accountId: '5c65cab48bcc9e016aeece31',
      nickname: 'Jane Doe',
      username: 'jdoe',
      displayName: 'Jane Doe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      profileUrl: `${url}/%7B768f8c62-7f2a-4914-bf33-3f412fc1d3a4%7D/`,
      photos: [{ value: `${url}/avatars/5c65cab48bcc9e016aeece31.svg` }],
      emails: [
        { value: 'jane@example.com', primary: true, verified: true },
        { value: 'jane.doe@work.example.com', primary: false, verified: true },
      ],
      _raw: expect.any(String),
      _json: expect.objectContaining({ uuid: JDOE_UUID, username: 'jdoe', type: 'user', account_status: 'active' }),
    });
    expect(JSON.parse(profile?._raw ?? '')).toEqual(profile?._json);
  });

  it('signs in the user Bitbucket says is signed in (x-mock-user), not always the first one', async () => {
    await login(harness().app.agent(), { mockUser: 'mmails' });
    expect(seen[0]?.profile.id).toBe('{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}');
    expect(seen[0]?.profile.username).toBe('mmails');
  });

  it('signs in a user without a username (GDPR) under their nickname', async () => {
    await login(harness().app.agent(), { mockUser: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}' });
    const profile = seen[0]?.profile;
    expect(profile?.id).toBe('{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}');
    expect(profile?.username).toBe('pat');
    expect(profile?.nickname).toBe('pat');
    expect(profile?.displayName).toBe('Pat Private');
    expect(profile?._json).not.toHaveProperty('username');
  });
});

describe('the 5-argument verify (accessToken, refreshToken, params, profile, done)', () => {
  const seen: Seen[] = [];
  const verify = (
    accessToken: string,
    refreshToken: string | undefined,
    params: BitbucketTokenParams,
    profile: BitbucketProfile,
    done: (err: null, user: object) => void,
  ): void => {
    seen.push({ accessToken, refreshToken, params, profile });
    done(null, { id: profile.id, scope: params.scope });
  };
  beforeEach(() => seen.splice(0));

  describe('against a Bitbucket that says `scope` (since 2026-05-04)', () => {
    const harness = useHarness((mock) => new BitbucketOAuth2Strategy(cloudOptions(mock), verify));

    it('receives the granted scopes and the lifetime in params', async () => {
      const { callback } = await login(harness().app.agent());
      expect(callback?.body.user).toEqual({ id: JDOE_UUID, scope: 'account email' });
      expect(seen[0]?.params).toEqual({
        access_token: seen[0]?.accessToken,
        scope: 'account email',
        expires_in: 7200,
        token_type: 'bearer',
        state: 'authorization_code',
      });
    });

    it('never receives the refresh token inside params (it is the second argument)', async () => {
      await login(harness().app.agent());
      expect(seen[0]?.params).not.toHaveProperty('refresh_token');
      expect(typeof seen[0]?.refreshToken).toBe('string');
      expect(seen[0]?.profile.id).toBe(JDOE_UUID);
    });
  });

  describe('against a Bitbucket that still says `scopes` (before 2026-05-04)', () => {
    const harness = useHarness((mock) => new BitbucketOAuth2Strategy(cloudOptions(mock), verify), {
      mock: { tokenScopeField: 'scopes' },
    });

    it('still finds the granted scopes in params.scope', async () => {
      await login(harness().app.agent());
      expect(seen[0]?.params?.scope).toBe('account email');
      expect(seen[0]?.params?.scopes).toBe('account email');
      expect(seen[0]?.params?.expires_in).toBe(7200);
    });
  });
});

describe('verify with passReqToCallback: true', () => {
  const seen: Seen[] = [];
  beforeEach(() => seen.splice(0));

  describe('and 5 arguments (req, accessToken, refreshToken, profile, done)', () => {
    const harness = useHarness(
      (mock) =>
        new BitbucketOAuth2Strategy(
          { ...cloudOptions(mock), passReqToCallback: true },
          (req, accessToken, refreshToken, profile, done) => {
            seen.push({ req, accessToken, refreshToken, profile });
            done(null, { id: profile.id, path: req.path });
          },
        ),
    );

    it('receives the Express request of the callback first, then the tokens and the profile', async () => {
      const { callback } = await login(harness().app.agent());
      expect(callback?.body.user).toEqual({ id: JDOE_UUID, path: '/callback' });
      const call = seen[0];
      expect(typeof call?.req?.get).toBe('function');
      expect(call?.req?.get('host')).toBe(new URL(harness().app.url).host);
      expect(call?.req?.query.code).toEqual(expect.any(String));
      expect(call?.accessToken).toBe(bearerTokenSeen(harness().mock));
      expect(call?.refreshToken).toEqual(expect.any(String));
      expect(call?.profile.username).toBe('jdoe');
    });
  });

  describe('and 6 arguments (req, accessToken, refreshToken, params, profile, done)', () => {
    // NOTE: TypeScript cannot infer the parameters of an inline 6-argument verify (see test/types), so it is typed.
    const verify: BitbucketOAuth2VerifyFunctionWithRequestAndParams = (
      req,
      accessToken,
      refreshToken,
      params,
      profile,
      done,
    ) => {
      seen.push({ req, accessToken, refreshToken, params, profile });
      done(null, { id: profile.id, method: req.method, scope: params.scope });
    };
    const harness = useHarness(
      (mock) => new BitbucketOAuth2Strategy({ ...cloudOptions(mock), passReqToCallback: true }, verify),
    );

    it('receives the request, the tokens, params with scope and expires_in, and the profile', async () => {
      const { callback } = await login(harness().app.agent());
      expect(callback?.body.user).toEqual({ id: JDOE_UUID, method: 'GET', scope: 'account email' });
      const call = seen[0];
      expect(call?.req?.originalUrl).toMatch(/^\/callback\?/);
      expect(call?.params?.expires_in).toBe(7200);
      expect(call?.params?.access_token).toBe(call?.accessToken);
      expect(call?.profile.emails[0]).toEqual({ value: 'jane@example.com', primary: true, verified: true });
      expect(onlyRequestTo(harness().mock, 'token').method).toBe('POST');
    });
  });
});
