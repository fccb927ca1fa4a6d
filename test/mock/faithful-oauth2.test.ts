/**
 * Issue 11, points 4–8 and the OAuth 2.0 switches: Data Center scopes and redirect_uri, Cloud PKCE,
 * client authentication, PKCE challenge format, code lifetime, refresh-token expiry.
 */
import { createHash } from 'node:crypto';
import { createMockBitbucket, DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { authorizeCode, basic, exchange, get, locationParams, postForm, useMock } from './helpers';

const CALLBACK = 'http://127.0.0.1:3000/auth/callback';
const VERIFIER = 'v'.repeat(43);
const S256 = createHash('sha256').update(VERIFIER).digest('base64url');

function dcAuthorizeURL(mock: MockBitbucket, params: Record<string, string>): string {
  const query = new URLSearchParams({
    client_id: 'mock-client-id',
    response_type: 'code',
    redirect_uri: CALLBACK,
    ...params,
  });
  return `${mock.dataCenterEndpoints().authorizationURL}?${query}`;
}

function dcToken(mock: MockBitbucket, form: Record<string, string>): Promise<Response> {
  return postForm(mock.dataCenterEndpoints().tokenURL, {
    client_id: DEFAULT_CLIENT.clientId,
    client_secret: DEFAULT_CLIENT.clientSecret,
    ...form,
  });
}

describe('Data Center scopes (issue 11, point 4)', () => {
  const mock = useMock({ autoApprove: true });

  test('accepts every scope the Data Center UI offers', async () => {
    const all = 'PUBLIC_REPOS REPO_READ REPO_WRITE REPO_ADMIN PROJECT_ADMIN ACCOUNT_WRITE ADMIN_WRITE';
    for (const scope of all.split(' ')) {
      const res = await get(dcAuthorizeURL(mock(), { scope }));
      expect([scope, locationParams(res).get('error')]).toEqual([scope, null]);
      expect(locationParams(res).get('code')).toEqual(expect.any(String));
    }
  });

  test('grants PUBLIC_REPOS when no scope is asked for', async () => {
    const code = locationParams(await get(dcAuthorizeURL(mock(), {}))).get('code') ?? '';
    const res = await dcToken(mock(), { grant_type: 'authorization_code', code, redirect_uri: CALLBACK });
    expect(((await res.json()) as { scope: string }).scope).toBe('PUBLIC_REPOS');
  });

  test('still refuses an unknown scope with invalid_scope', async () => {
    const params = locationParams(await get(dcAuthorizeURL(mock(), { scope: 'account', state: 's' })));
    expect([params.get('error'), params.get('state')]).toEqual(['invalid_scope', 's']);
  });

  test('limits a consumer to the Data Center scopes among its `scopes`', async () => {
    const limited = await createMockBitbucket({
      autoApprove: true,
      clients: [
        { ...DEFAULT_CLIENT, callbackURL: CALLBACK, scopes: ['account', 'PUBLIC_REPOS', 'REPO_READ'] },
        { clientId: 'cloud-only', clientSecret: 's', callbackURL: CALLBACK, scopes: ['account'] },
      ],
    });
    try {
      expect(locationParams(await get(dcAuthorizeURL(limited, { scope: 'REPO_READ' }))).get('code')).not.toBeNull();
      const refused = locationParams(await get(dcAuthorizeURL(limited, { scope: 'REPO_WRITE' })));
      expect([refused.get('error'), refused.get('error_description')]).toEqual([
        'invalid_scope',
        'Invalid scope. Allowed scopes: PUBLIC_REPOS, REPO_READ.',
      ]);
      // Cloud scopes only say nothing about Data Center.
      const cloudOnly = dcAuthorizeURL(limited, { client_id: 'cloud-only', scope: 'REPO_WRITE' });
      expect(locationParams(await get(cloudOnly)).get('code')).not.toBeNull();
    } finally {
      await limited.close();
    }
  });
});

describe('cloudPkce (issue 11, point 5)', () => {
  const challenge = { code_challenge: S256, code_challenge_method: 'S256', redirect_uri: CALLBACK };

  describe('default: ignore', () => {
    const mock = useMock();
    test('does not check a verifier on Cloud (Bitbucket does not document PKCE for Cloud)', async () => {
      const code = await authorizeCode(mock(), challenge);
      const res = await exchange(mock(), { code, redirect_uri: CALLBACK, code_verifier: 'w'.repeat(43) });
      expect(res.status).toBe(200);
      const bare = await authorizeCode(mock(), { ...challenge, code_challenge: 'short' });
      expect((await exchange(mock(), { code: bare, redirect_uri: CALLBACK })).status).toBe(200);
    });
  });

  describe("'enforce'", () => {
    const mock = useMock({ cloudPkce: 'enforce' });
    test('checks the verifier', async () => {
      const wrong = await authorizeCode(mock(), challenge);
      expect(
        (await exchange(mock(), { code: wrong, redirect_uri: CALLBACK, code_verifier: 'w'.repeat(43) })).status,
      ).toBe(400);
      const right = await authorizeCode(mock(), challenge);
      expect((await exchange(mock(), { code: right, redirect_uri: CALLBACK, code_verifier: VERIFIER })).status).toBe(
        200,
      );
    });
  });

  test('refuses another value with a TypeError naming the option', async () => {
    await expect(createMockBitbucket({ cloudPkce: 'strict' as 'enforce' })).rejects.toThrow(
      new TypeError('createMockBitbucket: cloudPkce must be "ignore" or "enforce"; got "strict"'),
    );
  });
});

describe('PKCE challenge format (issue 11, point 8)', () => {
  const mock = useMock({ autoApprove: true, cloudPkce: 'enforce' });

  test('refuses a challenge that is not 43–128 characters of the RFC 7636 alphabet', async () => {
    for (const bad of [
      'a'.repeat(42),
      'a'.repeat(129),
      `${'a'.repeat(42)}+`,
      `${'a'.repeat(42)}=`,
      `${'a'.repeat(42)} `,
    ]) {
      for (const url of [
        dcAuthorizeURL(mock(), { code_challenge: bad, code_challenge_method: 'plain', state: 'st' }),
        `${mock().oauth2Endpoints().authorizationURL}?${new URLSearchParams({ client_id: 'mock-client-id', response_type: 'code', redirect_uri: CALLBACK, code_challenge: bad, state: 'st' })}`,
      ]) {
        const params = locationParams(await get(url));
        expect([bad, params.get('error'), params.get('state'), params.get('code')]).toEqual([
          bad,
          'invalid_request',
          'st',
          null,
        ]);
      }
    }
  });

  test('accepts 43 and 128 characters of letters, digits and -._~', async () => {
    for (const good of [`${'a'.repeat(39)}-._~`, 'Z9'.repeat(64)]) {
      const params = locationParams(
        await get(dcAuthorizeURL(mock(), { code_challenge: good, code_challenge_method: 'plain' })),
      );
      expect(params.get('code')).not.toBeNull();
    }
  });
});

describe('Data Center redirect_uri (issue 11, point 6)', () => {
  const mock = useMock({ autoApprove: true, clients: [{ ...DEFAULT_CLIENT, callbackURL: CALLBACK }] });

  test('must equal the registered one exactly, where Cloud takes any URL under it', async () => {
    for (const uri of [`${CALLBACK}/more`, `${CALLBACK}?next=%2F`, `${CALLBACK}/`]) {
      const dc = await get(dcAuthorizeURL(mock(), { redirect_uri: uri }));
      expect([uri, dc.status]).toEqual([uri, 400]);
      expect(await dc.text()).toContain('Invalid redirect_uri');
      const cloud = await get(
        `${mock().oauth2Endpoints().authorizationURL}?client_id=mock-client-id&response_type=code&redirect_uri=${encodeURIComponent(uri)}`,
      );
      expect(cloud.status).toBe(302);
    }
    expect((await get(dcAuthorizeURL(mock(), {}))).status).toBe(302);
  });

  test('the default consumer’s placeholder callback registers the first Data Center redirect_uri', async () => {
    const local = await createMockBitbucket({ autoApprove: true });
    try {
      expect((await get(dcAuthorizeURL(local, {}))).status).toBe(302);
      expect((await get(dcAuthorizeURL(local, {}))).status).toBe(302);
      expect((await get(dcAuthorizeURL(local, { redirect_uri: `${CALLBACK}/other` }))).status).toBe(400);
      // Another app (origin) registers its own.
      expect((await get(dcAuthorizeURL(local, { redirect_uri: 'http://127.0.0.1:3001/cb' }))).status).toBe(302);
    } finally {
      await local.close();
    }
  });
});

describe('Cloud client authentication (issue 11, point 7)', () => {
  const mock = useMock({ autoApprove: true });

  test('answers 401 invalid_client to a wrong secret or an unknown client', async () => {
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    for (const headers of [
      { authorization: basic('mock-client-id', 'wrong') },
      { authorization: basic('nobody', 'mock-client-secret') },
      { authorization: 'Basic bm9jb2xvbg==' },
    ]) {
      const res = await exchange(mock(), { code, redirect_uri: CALLBACK }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error_description: 'Client authentication failed.', error: 'invalid_client' });
    }
    const form = await exchange(
      mock(),
      { code, redirect_uri: CALLBACK, client_id: 'mock-client-id', client_secret: 'x' },
      {},
    );
    expect(form.status).toBe(401);
  });

  test('keeps 400 unauthorized_client when no credentials are sent', async () => {
    for (const form of [{}, { client_id: 'mock-client-id' }] as Record<string, string>[]) {
      const res = await exchange(mock(), { code: 'x', ...form }, {});
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error_description: 'Requests must be authenticated using OAuth client credentials',
        error: 'unauthorized_client',
      });
    }
  });
});

describe('authorizationCodeLifetimeSeconds', () => {
  const mock = useMock({ autoApprove: true, authorizationCodeLifetimeSeconds: 0 });

  test('0 makes every code expired at once, on Cloud and Data Center', async () => {
    const cloud = await exchange(mock(), {
      code: await authorizeCode(mock(), { redirect_uri: CALLBACK }),
      redirect_uri: CALLBACK,
    });
    expect(((await cloud.json()) as { error: string }).error).toBe('invalid_grant');
    const code = locationParams(await get(dcAuthorizeURL(mock(), {}))).get('code') ?? '';
    const dc = await dcToken(mock(), { grant_type: 'authorization_code', code, redirect_uri: CALLBACK });
    expect(((await dc.json()) as { error: string }).error).toBe('invalid_grant');
  });

  test('refuses a negative lifetime', async () => {
    await expect(createMockBitbucket({ authorizationCodeLifetimeSeconds: -1 })).rejects.toThrow(TypeError);
  });
});

describe('refresh-token expiry and revocation', () => {
  async function refreshToken(mock: MockBitbucket): Promise<string> {
    const res = await exchange(mock, {
      code: await authorizeCode(mock, { redirect_uri: CALLBACK }),
      redirect_uri: CALLBACK,
    });
    return ((await res.json()) as { refresh_token: string }).refresh_token;
  }
  const refresh = (mock: MockBitbucket, token: string) =>
    postForm(
      mock.oauth2Endpoints().tokenURL,
      { grant_type: 'refresh_token', refresh_token: token },
      { authorization: basic() },
    );

  describe('expireRefreshTokens()', () => {
    const mock = useMock({ autoApprove: true });
    test('kills every refresh token issued so far, not later ones', async () => {
      const old = await refreshToken(mock());
      mock().expireRefreshTokens();
      const res = await refresh(mock(), old);
      expect([res.status, await res.json()]).toEqual([
        400,
        { error_description: 'Invalid refresh_token', error: 'invalid_request' },
      ]);
      expect((await refresh(mock(), await refreshToken(mock()))).status).toBe(200);
    });
  });

  describe('refreshTokenLifetimeSeconds', () => {
    const mock = useMock({ autoApprove: true, refreshTokenLifetimeSeconds: 0 });
    test('0 makes refresh tokens expired at once', async () => {
      expect((await refresh(mock(), await refreshToken(mock()))).status).toBe(400);
    });
  });
});
