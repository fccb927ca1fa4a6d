/**
 * Issue 11, points 1 and 2: every route in both slash forms, and Data Center under a context path.
 */
import { BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { login } from '../support/flow';
import { dataCenterOptions, useHarness } from '../oauth2/helpers';
import { basic, get, oauthHeader, postForm, useMock } from './helpers';

const CALLBACK = 'http://127.0.0.1:3000/auth/callback';

describe('trailing slashes (issue 11, point 1)', () => {
  const mock = useMock({ autoApprove: true });
  const bearer = (product: 'cloud' | 'dataCenter' = 'cloud') => ({
    authorization: `Bearer ${mock().issueAccessToken(0, undefined, product)}`,
  });

  test('serves GET /2.0/user/ (passport-bitbucket’s default profile URL) and /2.0/user/emails/', async () => {
    const user = await get(`${mock().url}/2.0/user/`, bearer());
    expect([user.status, ((await user.json()) as { username: string }).username]).toEqual([200, 'jdoe']);
    expect((await get(`${mock().url}/2.0/user/emails/`, bearer())).status).toBe(200);
    expect(mock().requests.map((r) => r.endpoint)).toEqual(['user', 'emails']);
  });

  test('serves the OAuth 1.0a endpoints without their documented trailing slash', async () => {
    const url = `${mock().url}/api/1.0/oauth/request_token`;
    const header = oauthHeader('POST', url, { oauthParams: { oauth_callback: CALLBACK } });
    const res = await postForm(url, {}, { authorization: header });
    expect(res.status).toBe(200);
    expect(new URLSearchParams(await res.text()).get('oauth_callback_confirmed')).toBe('true');
    expect(mock().requests[0]?.endpoint).toBe('requestToken');
    expect((await postForm(`${mock().url}/api/1.0/oauth/access_token`, {})).status).toBe(401);
    expect((await get(`${mock().url}/api/1.0/oauth/authenticate?oauth_token=x`)).status).toBe(401);
  });

  test('serves the OAuth 2.0 and Data Center routes with a trailing slash', async () => {
    const { url } = mock();
    const authorize = await get(
      `${url}/site/oauth2/authorize/?client_id=mock-client-id&response_type=code&redirect_uri=${CALLBACK}`,
    );
    expect(authorize.status).toBe(302);
    const token = await postForm(
      `${url}/site/oauth2/access_token/`,
      { grant_type: 'nope' },
      { authorization: basic() },
    );
    expect([token.status, ((await token.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    const dcToken = await postForm(
      `${url}/rest/oauth2/latest/token/`,
      { grant_type: 'nope' },
      { authorization: basic() },
    );
    expect(((await dcToken.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const whoami = await get(`${url}/plugins/servlet/applinks/whoami/`, bearer('dataCenter'));
    expect([whoami.status, await whoami.text()]).toEqual([200, 'jdoe']);
    expect((await get(`${url}/rest/api/latest/users/jdoe/`, bearer('dataCenter'))).status).toBe(200);
    expect((await get(`${url}/users/jdoe/avatar.png/`)).status).toBe(200);
    expect((await get(`${url}/avatars/5c65cab48bcc9e016aeece31.svg/`)).status).toBe(200);
  });

  test('still answers 404 for unknown paths, with or without the slash', async () => {
    expect((await get(`${mock().url}/2.0/users/`)).status).toBe(404);
    expect((await get(`${mock().url}/2.0/user//`, bearer())).status).toBe(404);
    expect((await get(`${mock().url}/`)).status).toBe(404);
  });
});

describe('dataCenterPath (issue 11, point 2)', () => {
  let mock: MockBitbucket;
  beforeEach(async () => {
    mock = await createMockBitbucket({ autoApprove: true, dataCenterPath: '/bitbucket' });
  });
  afterEach(() => mock.close());
  const dcBearer = () => ({ authorization: `Bearer ${mock.issueAccessToken(0, undefined, 'dataCenter')}` });

  test('puts every Data Center URL of dataCenterEndpoints() under the path', () => {
    const base = `${mock.url}/bitbucket`;
    const endpoints = mock.dataCenterEndpoints();
    expect(endpoints.baseURL).toBe(base);
    for (const value of Object.values(endpoints) as string[]) expect(value.startsWith(base)).toBe(true);
    expect(endpoints.usersURL).toBe(`${base}/rest/api/latest/users/`);
    expect(mock.oauth2Endpoints().userProfileURL).toBe(`${mock.url}/2.0/user`);
  });

  test('serves Data Center under the path, with links and avatarUrl as Data Center writes them', async () => {
    const base = `${mock.url}/bitbucket`;
    const res = await get(`${base}/rest/api/latest/users/jdoe?avatarSize=64`, dcBearer());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ausername')).toBe('jdoe');
    const body = (await res.json()) as { links: unknown; avatarUrl: string };
    expect(body.links).toEqual({ self: [{ href: `${base}/users/jdoe` }] });
    // NOTE: server-relative, context path included: resolve against the origin, not the base URL.
    expect(body.avatarUrl).toBe('/bitbucket/users/jdoe/avatar.png?s=64');
    expect((await get(new URL(body.avatarUrl, mock.url).href)).status).toBe(200);
    expect(mock.dataCenterPathMisses).toBe(0);
  });

  test('answers 404 to Data Center paths outside the context path, and counts them', async () => {
    for (const path of [
      '/rest/api/latest/users/jdoe',
      '/plugins/servlet/applinks/whoami',
      '/rest/oauth2/latest/authorize/',
      '/users/jdoe/avatar.png',
    ]) {
      expect((await get(`${mock.url}${path}`, dcBearer())).status).toBe(404);
    }
    expect(mock.dataCenterPathMisses).toBe(4);
    expect((await get(`${mock.url}/bitbucket/2.0/user`)).status).toBe(404);
    expect((await get(`${mock.url}/bitbucketx/rest/api/latest/users/jdoe`, dcBearer())).status).toBe(404);
    expect(mock.dataCenterPathMisses).toBe(4);
  });

  test('keeps Cloud at the origin', async () => {
    const res = await get(`${mock.url}/2.0/user`, { authorization: `Bearer ${mock.issueAccessToken(0)}` });
    expect(res.status).toBe(200);
  });

  test('refuses a malformed dataCenterPath with a TypeError naming the option', async () => {
    for (const bad of ['bitbucket', '/', '/bitbucket/', '/a b', '//x', '/a?b']) {
      await expect(createMockBitbucket({ dataCenterPath: bad })).rejects.toThrow(
        new TypeError(
          `createMockBitbucket: dataCenterPath must be a path such as "/bitbucket" (no trailing slash); got ${JSON.stringify(bad)}`,
        ),
      );
    }
  });
});

describe('a Data Center strategy built from dataCenterEndpoints() under a context path', () => {
  const seen: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        // Under a context path the base URL is the mock's, path included.
        dataCenterOptions(mock, { baseURL: mock.dataCenterEndpoints().baseURL }),
        (_a, _r, profile, done) => {
          seen.push(profile);
          done(null, { id: profile.id });
        },
      ),
    { mock: { dataCenterPath: '/bitbucket' } },
  );

  test('signs in, every request under the path, the photo under the path', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    const { mock } = harness();
    expect(mock.dataCenterPathMisses).toBe(0);
    expect(mock.requests.filter((r) => !r.path.startsWith('/bitbucket/'))).toEqual([]);
    expect(seen[0]?.photos).toEqual([{ value: `${mock.url}/bitbucket/users/jdoe/avatar.png?s=256` }]);
  });
});
