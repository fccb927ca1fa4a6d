import { createHash } from 'node:crypto';
import {
  BitbucketAPIError,
  BitbucketOAuth2Strategy,
  TokenError,
  type BitbucketOAuth2VerifyFunctionWithParams,
  type BitbucketProfile,
  type BitbucketTokenParams,
} from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT, type MockBitbucket, type MockUser } from 'passport-bitbucket-oauth/testing';
import { appCallbackURL, startApp } from '../support/app';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import {
  authorizeOnly,
  bearerTokenSeen,
  errorTexts,
  expectNoCredentials,
  formOf,
  locationQuery,
  onlyRequestTo,
  requestsTo,
  useHarness,
} from './helpers';

guardProcess();

const seen: { params: BitbucketTokenParams; profile: BitbucketProfile; refreshToken: string | undefined }[] = [];
const verify: BitbucketOAuth2VerifyFunctionWithParams = (_accessToken, refreshToken, params, profile, done) => {
  seen.push({ params, profile, refreshToken });
  done(null, { id: profile.id, username: profile.username });
};
beforeEach(() => seen.splice(0));

/** Options for Data Center on the mock: only the base URL, every endpoint derived from it. */
const dcOptions = (
  mock: MockBitbucket,
): { baseURL: string; clientID: string; clientSecret: string; callbackURL: string } => ({
  baseURL: mock.url,
  clientID: DEFAULT_CLIENT.clientId,
  clientSecret: DEFAULT_CLIENT.clientSecret,
  callbackURL: appCallbackURL(),
});

describe('Data Center OAuth 2.0 with baseURL only', () => {
  const harness = useHarness((mock) => new BitbucketOAuth2Strategy(dcOptions(mock), verify));

  it('is a datacenter strategy named bitbucket-oauth2', () => {
    const { strategy } = harness();
    expect(strategy.deployment).toBe('datacenter');
    expect(strategy.name).toBe('bitbucket-oauth2');
  });

  it('sends the browser to {base}/rest/oauth2/latest/authorize with the default scope PUBLIC_REPOS and a PKCE S256 challenge', async () => {
    const start = await harness().app.agent().get('/login');
    const location = new URL(String(start.headers.location));
    expect(location.origin + location.pathname).toBe(`${harness().mock.url}/rest/oauth2/latest/authorize`);
    expect(locationQuery(start)).toEqual({
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: `${harness().app.url}/callback`,
      scope: 'PUBLIC_REPOS',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      // PKCE is on by default on Data Center, which supports it.
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
  });

  it('signs the user in with the Data Center profile', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: '1', username: 'jdoe' });
    const { url } = harness().mock;
    expect(seen[0]?.profile).toEqual({
      provider: 'bitbucket',
      deployment: 'datacenter',
      baseURL: url,
      id: '1',
      username: 'jdoe',
      displayName: 'Jane Doe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      profileUrl: `${url}/users/jdoe`,
      photos: [{ value: `${url}/users/jdoe/avatar.png?s=256` }],
      emails: [{ value: 'jane@example.com', primary: true, verified: false }],
      _raw: expect.any(String),
      _json: {
        name: 'jdoe',
        emailAddress: 'jane@example.com',
        id: 1,
        displayName: 'Jane Doe',
        active: true,
        slug: 'jdoe',
        type: 'NORMAL',
        links: { self: [{ href: `${url}/users/jdoe` }] },
        avatarUrl: '/users/jdoe/avatar.png?s=256',
      },
    });
  });

  it('gives verify the Data Center token params: scope PUBLIC_REPOS, expires_in 3600, and a refresh token', async () => {
    await login(harness().app.agent());
    expect(seen[0]?.params).toEqual({
      scope: 'PUBLIC_REPOS',
      access_token: bearerTokenSeen(harness().mock),
      token_type: 'bearer',
      expires_in: 3600,
    });
    expect(seen[0]?.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sends the client credentials in the form body, not with HTTP Basic', async () => {
    await login(harness().app.agent());
    const token = onlyRequestTo(harness().mock, 'token');
    expect(token.path).toBe('/rest/oauth2/latest/token');
    expect(token.headers).not.toHaveProperty('authorization');
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(formOf(token)).toEqual({
      grant_type: 'authorization_code',
      code: expect.any(String),
      redirect_uri: `${harness().app.url}/callback`,
      code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_id: 'mock-client-id',
      client_secret: 'mock-client-secret',
    });
  });

  it('reads whoami, then users/{slug}?avatarSize=256, both with a Bearer header', async () => {
    await login(harness().app.agent());
    const token = bearerTokenSeen(harness().mock);
    const whoami = onlyRequestTo(harness().mock, 'whoami');
    const user = onlyRequestTo(harness().mock, 'dcUser');
    expect(whoami.path).toBe('/plugins/servlet/applinks/whoami');
    expect(user.path).toBe('/rest/api/latest/users/jdoe');
    expect(user.query).toEqual({ avatarSize: '256' });
    for (const record of [whoami, user]) {
      expect(record.headers.authorization).toBe(`Bearer ${token}`);
      expect(record.query).not.toHaveProperty('access_token');
    }
    expect(harness().mock.requests.findIndex((r) => r.endpoint === 'whoami')).toBeLessThan(
      harness().mock.requests.findIndex((r) => r.endpoint === 'dcUser'),
    );
    expect(requestsTo(harness().mock, 'user')).toEqual([]);
    expect(requestsTo(harness().mock, 'emails')).toEqual([]);
  });

  it('signs in another user by their slug', async () => {
    await expectSignsInAs(harness, 'mmails', { id: '3', username: 'mmails' });
    expect(onlyRequestTo(harness().mock, 'dcUser').path).toBe('/rest/api/latest/users/mmails');
    expect(seen[0]?.profile.emails).toEqual([{ value: 'max.mails+11@example.org', primary: true, verified: false }]);
  });

  it('fails a replayed code (invalid_grant) with "expired or already used"', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const code = String(new URL(callbackPath, 'http://x').searchParams.get('code'));
    await fetch(harness().mock.dataCenterEndpoints().tokenURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${harness().app.url}/callback`,
        client_id: 'mock-client-id',
        client_secret: 'mock-client-secret',
      }).toString(),
    });
    const callback = await agent.get(callbackPath);
    expect((await followApp(agent, callback)).body).toEqual({
      messages: ['The sign-in link has expired or was already used. Please sign in again.'],
    });
  });

  it('gives a BitbucketAPIError with Data Center’s error message when users/{slug} fails', async () => {
    harness().mock.setFault('dcUser', {
      kind: 'json',
      status: 404,
      body: {
        errors: [
          {
            context: null,
            message: 'User jdoe does not exist.',
            exceptionName: 'com.atlassian.bitbucket.user.NoSuchUserException',
          },
        ],
      },
    });
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    const err = harness().app.errors[0];
    expect(err).toBeInstanceOf(BitbucketAPIError);
    expect(err).toMatchObject({
      code: 'http',
      status: 404,
      bitbucketMessage: 'User jdoe does not exist.',
      url: `GET ${harness().mock.url}/rest/api/latest/users/jdoe`,
    });
    expect(seen).toEqual([]);
    expectNoCredentials([...errorTexts(err), callback?.text ?? ''], [bearerTokenSeen(harness().mock)]);
  });

  it('refreshes with the credentials in the body and rotates the refresh token', async () => {
    await login(harness().app.agent());
    const old = seen[0]!.refreshToken!;
    harness().mock.requests.splice(0);
    const { strategy } = harness();
    const tokens = await strategy.refresh(old);
    expect(tokens.refreshToken).not.toBe(old);
    expect(tokens.expiresIn).toBe(3600);
    expect(tokens.scopes).toEqual(['PUBLIC_REPOS']);
    expect(formOf(onlyRequestTo(harness().mock, 'token'))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: old,
      client_id: 'mock-client-id',
      client_secret: 'mock-client-secret',
    });
    await expect(strategy.refresh(old)).rejects.toMatchObject({
      name: 'TokenError',
      code: 'invalid_grant',
      message: 'Invalid refresh token',
    });
  });
});

describe('Data Center refusing a scope the application link does not allow', () => {
  // ACCOUNT_WRITE is a scope Data Center offers: it is refused here because this link allows two scopes only.
  const harness = useHarness(
    (mock) => new BitbucketOAuth2Strategy({ ...dcOptions(mock), scope: 'ACCOUNT_WRITE' }, verify),
    { mock: { clients: [{ ...DEFAULT_CLIENT, scopes: ['PUBLIC_REPOS', 'REPO_READ'] }] } },
  );

  it('sends the browser back with invalid_scope, which goes to failureRedirect, not to a 500', async () => {
    const agent = harness().app.agent();
    const { authorize, callback } = await login(agent);
    expect(Object.fromEntries(new URL(String(authorize.headers.location)).searchParams)).toMatchObject({
      error: 'invalid_scope',
    });
    expect(callback?.status).toBe(302);
    expect((await followApp(agent, callback!)).body).toEqual({
      messages: [
        'Bitbucket did not authorize the sign-in (invalid_scope): Invalid scope. Allowed scopes: PUBLIC_REPOS, REPO_READ.',
      ],
    });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
    expect(harness().app.errors).toEqual([]);
  });
});

describe('Data Center with a list of scopes and PKCE', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...dcOptions(mock), scope: ['REPO_READ', 'PUBLIC_REPOS'], pkce: 'S256' }, verify),
  );

  it('asks for every scope, space-separated, and proves the code with S256', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: '1', username: 'jdoe' });
    const authorize = onlyRequestTo(harness().mock, 'authorize').query;
    expect(authorize.scope).toBe('REPO_READ PUBLIC_REPOS');
    const verifier = String(formOf(onlyRequestTo(harness().mock, 'token')).code_verifier);
    expect(authorize.code_challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(seen[0]?.params.scope).toBe('REPO_READ PUBLIC_REPOS');
  });
});

describe('Data Center with a wrong client secret', () => {
  const harness = useHarness(
    (mock) => new BitbucketOAuth2Strategy({ ...dcOptions(mock), clientSecret: 'wrong' }, verify),
  );

  it('gets TokenError invalid_client (401) and no secret in the error', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    const err = harness().app.errors[0];
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ code: 'invalid_client', status: 401, message: 'Client authentication failed.' });
    for (const text of [...errorTexts(err), callback?.text ?? '']) expect(text).not.toContain('wrong');
  });
});

describe('Data Center with clientAuthentication: basic', () => {
  const harness = useHarness(
    (mock) => new BitbucketOAuth2Strategy({ ...dcOptions(mock), clientAuthentication: 'basic' }, verify),
  );

  it('sends HTTP Basic instead, and the secret is not in the body', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: '1', username: 'jdoe' });
    const token = onlyRequestTo(harness().mock, 'token');
    expect(token.headers.authorization).toBe(
      `Basic ${Buffer.from('mock-client-id:mock-client-secret').toString('base64')}`,
    );
    expect(formOf(token)).not.toHaveProperty('client_secret');
  });
});

describe('Data Center behind a context path', () => {
  it('derives every endpoint from the base URL, the context path kept', async () => {
    const strategy = new BitbucketOAuth2Strategy(
      {
        baseURL: 'https://example.com/bitbucket/',
        clientID: 'key',
        clientSecret: 'secret',
        callbackURL: 'https://app.example.com/cb',
      },
      verify,
    );
    const app = await startApp(strategy);
    try {
      const start = await app.agent().get('/login');
      const location = new URL(String(start.headers.location));
      expect(location.origin + location.pathname).toBe('https://example.com/bitbucket/rest/oauth2/latest/authorize');
      expect(location.searchParams.get('scope')).toBe('PUBLIC_REPOS');
    } finally {
      await app.close();
    }
  });
});

/** Signs `mockUser` in through the app of `harness` and expects the app's user to be `user`. */
async function expectSignsInAs(harness: ReturnType<typeof useHarness>, mockUser: string, user: object): Promise<void> {
  const { callback } = await login(harness().app.agent(), { mockUser });
  expect(callback?.body.user).toEqual(user);
}

/** The paths of the users resource (lookups and searches) the mock was asked for, in order. */
const dcUserPaths = (harness: ReturnType<typeof useHarness>): string[] =>
  requestsTo(harness().mock, 'dcUser').map((r) => r.path);

/** The Data Center strategy on a mock that knows exactly `users`. */
const dcHarnessWith = (users: MockUser[]): ReturnType<typeof useHarness> =>
  useHarness((mock) => new BitbucketOAuth2Strategy(dcOptions(mock), verify), { mock: { users } });

/** A mock user selected as `user<n>` (`mock_user`), known to Data Center by `dc`. */
const dcUser = (n: number, dc: Omit<MockUser['dc'] & object, 'id'>, displayName = `User ${n}`): MockUser => ({
  uuid: `{00000000-0000-4000-8000-${String(n).padStart(12, '0')}}`,
  accountId: `acc${n}`,
  username: `user${n}`,
  nickname: `user${n}`,
  displayName,
  emails: [],
  dc: { id: n, ...dc },
});

describe('Data Center user names compared without Unicode case folding', () => {
  // "\u212Aate" starts with KELVIN SIGN, which toLowerCase() folds to "k": its lower-case lookup finds "kate".
  const harness = useHarness((mock) => new BitbucketOAuth2Strategy(dcOptions(mock), verify), {
    mock: {
      users: [dcUser(1, { name: 'kate', slug: 'kate' }), dcUser(2, { name: '\u212Aate', slug: 'kelvin_ate' })],
      aUsernameEncoding: 'percent',
    },
  });

  it('never signs a user whose name folds onto another user’s (KELVIN SIGN) in as "kate": the search finds them', async () => {
    await expectSignsInAs(harness, 'user2', { id: '2', username: '\u212Aate' });
    // The lookup by the name as sent found nobody, the lower-case one found "kate", who is not whoami's user.
    expect(dcUserPaths(harness)).toEqual([
      '/rest/api/latest/users/%E2%84%AAate',
      '/rest/api/latest/users/kate',
      '/rest/api/latest/users',
    ]);
  });

  it('still signs in "kate" herself', async () => {
    await expectSignsInAs(harness, 'user1', { id: '1', username: 'kate' });
  });
});

describe('a Data Center user name that a Latin-1 X-AUSERNAME cannot carry', () => {
  const yamada = dcUser(51, { name: '山田', slug: 'yamada' }, 'Yamada');
  const harness = dcHarnessWith([yamada]);

  it('is read from whoami’s body when the header is its Latin-1 form (Tomcat writes ?? for 山田)', async () => {
    harness().mock.setFault('whoami', { kind: 'status', status: 200, body: '山田', headers: { 'X-AUSERNAME': '??' } });
    await expectSignsInAs(harness, 'user51', { id: '51', username: '山田' });
  });

  it('is refused when the body names someone the header cannot be (the header decides)', async () => {
    harness().mock.setFault('whoami', { kind: 'status', status: 200, body: 'admin', headers: { 'X-AUSERNAME': '??' } });
    const { callback } = await login(harness().app.agent(), { mockUser: 'user51' });
    expect(callback?.status).toBe(500);
    expect(seen).toEqual([]);
  });
});

describe('emails: false on Data Center', () => {
  const harness = useHarness((mock) => new BitbucketOAuth2Strategy({ ...dcOptions(mock), emails: false }, verify));

  it('leaves the address the users resource sends out of the profile (no option is ignored)', async () => {
    await expectSignsInAs(harness, 'mmails', { id: '3', username: 'mmails' });
    expect(seen[0]?.profile.emails).toEqual([]);
    expect(seen[0]?.profile.emailsError).toBeUndefined();
  });

  it('keeps the address out of the whole profile', async () => {
    await login(harness().app.agent(), { mockUser: 'mmails' });
    const profile = seen[0]?.profile;
    expect(profile?.username).toBe('mmails');
    expect(profile?._json).not.toHaveProperty('emailAddress');
    expect(profile?._raw).not.toContain('max.mails');
    expect(JSON.parse(String(profile?._raw))).toEqual(profile?._json);
  });
});

describe('a Data Center user whose name is another user’s slug', () => {
  // `alice@corp` got the slug `alice_corp`; the user named `alice_corp` then got another one. A users resource
  // found by slug describes the user whose slug it is, not necessarily the one whoami named.
  const alice = dcUser(21, { name: 'alice@corp', slug: 'alice_corp', emailAddress: 'alice@corp.example' }, 'Alice');
  const mallory = dcUser(22, { name: 'alice_corp', slug: 'alice_corp2', emailAddress: 'm@example.com' }, 'Mallory');
  const harness = dcHarnessWith([alice, mallory]);

  it('signs "alice_corp" in as themselves, never as "alice@corp" whose slug is their name', async () => {
    await expectSignsInAs(harness, 'user22', { id: '22', username: 'alice_corp' });
    expect(seen[0]?.profile.emails).toEqual([{ value: 'm@example.com', primary: true, verified: false }]);
    expect(dcUserPaths(harness)).toEqual(['/rest/api/latest/users/alice_corp', '/rest/api/latest/users']);
  });

  it('still signs "alice@corp" in as herself', async () => {
    await expectSignsInAs(harness, 'user21', { id: '21', username: 'alice@corp' });
  });
});

describe('a Data Center user name no slug can be (the server answers 400 for it in a path)', () => {
  const backslash = dcUser(23, { name: 'CORP\\jdoe', slug: 'corp_jdoe' }, 'J. Doe');
  const harness = dcHarnessWith([backslash]);

  it('is found by the users search after the 400s of the slug lookups', async () => {
    // As Tomcat answers an encoded `\\` in a path: 400, for the name and its lower-case form.
    harness().mock.setFault('dcUser', { kind: 'status', status: 400, body: 'Bad Request' }, { times: 2 });
    await expectSignsInAs(harness, 'user23', { id: '23', username: 'CORP\\jdoe' });
    expect(requestsTo(harness().mock, 'dcUser')).toHaveLength(3);
  });
});

describe('a Data Center user name beyond ASCII, in X-AUSERNAME as UTF-8 bytes', () => {
  const jurgen = dcUser(7, { name: 'jürgen', slug: 'jürgen' }, 'Jürgen Weiß');
  const harness = dcHarnessWith([jurgen]);

  it('reads the name as UTF-8 (Node reads header bytes as Latin-1) and signs the user in', async () => {
    await expectSignsInAs(harness, 'user7', { id: '7', username: 'jürgen' });
    expect(onlyRequestTo(harness().mock, 'dcUser').path).toBe('/rest/api/latest/users/j%C3%BCrgen');
  });
});

describe('a Data Center user whose slug is not the name in lower case', () => {
  // Data Center made `jane.doe_corp` the slug of `jane.doe@corp`: no rule derives one from the other.
  const jane = dcUser(8, { name: 'jane.doe@corp', slug: 'jane.doe_corp', emailAddress: 'jane.doe@corp.example' });
  // Found by the search too (the filter is in her email address), but named otherwise.
  const joan = dcUser(9, { name: 'joan', slug: 'joan', emailAddress: 'x.jane.doe@corp.example' });
  const harness = dcHarnessWith([joan, jane]);

  it('is found by the users search, the one named exactly so among those it lists', async () => {
    await expectSignsInAs(harness, 'user8', { id: '8', username: 'jane.doe@corp' });
    expect(dcUserPaths(harness)).toEqual(['/rest/api/latest/users/jane.doe%40corp', '/rest/api/latest/users']);
    expect(seen[0]?.profile.emails).toEqual([{ value: 'jane.doe@corp.example', primary: true, verified: false }]);
  });

  it('is an error, the 404 of the users resource, when the search names nobody so (or fails)', async () => {
    harness().mock.setFault('dcUser', { kind: 'status', status: 404, body: 'nobody' });
    const { callback } = await login(harness().app.agent(), { mockUser: 'user8' });
    expect(callback?.status).toBe(500);
    expect(harness().app.errors[0]).toMatchObject({ name: 'BitbucketAPIError', status: 404 });
    expect(requestsTo(harness().mock, 'dcUser')).toHaveLength(2);
  });
});

describe('a Data Center user whose name reads as another user’s when percent-decoded', () => {
  // "%61dmin" decodes to "admin": X-AUSERNAME alone cannot say whether it was encoded; whoami's body can.
  const pct = dcUser(31, { name: '%61dmin', slug: 'pct61dmin' }, 'Not the admin');
  const admin = dcUser(32, { name: 'admin', slug: 'admin', emailAddress: 'admin@corp.example' }, 'Admin');
  const harness = dcHarnessWith([admin, pct]);

  it('signs "%61dmin" in as themselves, never as "admin" (whoami’s body names the user)', async () => {
    await expectSignsInAs(harness, 'user31', { id: '31', username: '%61dmin' });
    expect(dcUserPaths(harness)).not.toContain('/rest/api/latest/users/admin');
  });

  it('still signs "admin" in as admin', async () => {
    await expectSignsInAs(harness, 'user32', { id: '32', username: 'admin' });
  });
});

describe('the users search of Data Center', () => {
  // jdoe's slug is not her name, so the search decides; 100 others match the filter (their display name) first.
  const fans = Array.from({ length: 100 }, (_, i) =>
    dcUser(100 + i, { name: `fan${i}`, slug: `fan${i}` }, `jdoe fan ${i}`),
  );
  const jdoe = dcUser(41, { name: 'jdoe', slug: 'j_doe', emailAddress: 'jdoe@corp.example' }, 'Jane Doe');
  const harness = dcHarnessWith([...fans, jdoe]);

  it('reads the next page when the user is past the first hundred matches', async () => {
    await expectSignsInAs(harness, 'user41', { id: '41', username: 'jdoe' });
    const searches = requestsTo(harness().mock, 'dcUser').filter((r) => r.path === '/rest/api/latest/users');
    expect(searches.map((r) => r.query.start)).toEqual([undefined, '100']);
  });

  it('takes the user named exactly so before one named so but for case', async () => {
    harness().mock.setFault('dcUser', {
      kind: 'json',
      body: {
        values: [
          { id: 99, name: 'JDOE', slug: 'jdoe_upper' },
          { id: 41, name: 'jdoe', slug: 'j_doe' },
        ],
        isLastPage: true,
      },
    });
    await expectSignsInAs(harness, 'user41', { id: '41', username: 'jdoe' });
  });

  it('chooses nobody when two users are named so but for case and none exactly', async () => {
    harness().mock.setFault('dcUser', {
      kind: 'json',
      body: {
        values: [
          { id: 99, name: 'JDOE' },
          { id: 98, name: 'Jdoe' },
        ],
        isLastPage: true,
      },
    });
    const { callback } = await login(harness().app.agent(), { mockUser: 'user41' });
    expect(callback?.status).toBe(500);
    expect(seen).toEqual([]);
  });
});
