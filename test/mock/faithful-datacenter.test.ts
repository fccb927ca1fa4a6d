/**
 * Issue 11, points 3 and 8 and the token families: whoami, X-AUSERNAME, Cloud tokens vs Data Center
 * tokens, and the emails pages.
 */
import { BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { DEFAULT_USERS, type MockUser } from 'passport-bitbucket-oauth/testing';
import { login } from '../support/flow';
import { dataCenterOptions, useHarness } from '../oauth2/helpers';
import { get, useMock } from './helpers';

const CORP: MockUser = {
  uuid: '{11111111-2222-4333-8444-555555555555}',
  accountId: '5c0000000000000000000001',
  nickname: 'jane',
  displayName: 'Jane Corp',
  emails: [],
  // NOTE: the slug equals the name here so that the test is about the header's encoding only.
  dc: { id: 7, name: 'jane.doe@corp', slug: 'jane.doe@corp' },
};

describe('whoami (issue 11, point 3)', () => {
  const mock = useMock();
  const whoami = () => mock().dataCenterEndpoints().whoamiURL;
  const dcBearer = () => ({ authorization: `Bearer ${mock().issueAccessToken(0, undefined, 'dataCenter')}` });

  test('answers an anonymous request 200 with an empty body and no X-AUSERNAME', async () => {
    const res = await get(whoami());
    expect([res.status, await res.text(), res.headers.has('x-ausername')]).toEqual([200, '', false]);
  });

  test('still refuses a token it does not know with 401', async () => {
    expect((await get(whoami(), { authorization: 'Bearer nope' })).status).toBe(401);
  });

  test('an `anonymous` fault answers an authenticated request as if Authorization had been stripped', async () => {
    mock().setFault('whoami', { kind: 'anonymous' }, { times: 1 });
    const stripped = await get(whoami(), dcBearer());
    expect([stripped.status, await stripped.text(), stripped.headers.has('x-ausername')]).toEqual([200, '', false]);
    const normal = await get(whoami(), dcBearer());
    expect([normal.status, await normal.text(), normal.headers.get('x-ausername')]).toEqual([200, 'jdoe', 'jdoe']);
    mock().setFault('dcUser', { kind: 'anonymous' });
    expect((await get(`${mock().dataCenterEndpoints().usersURL}jdoe`, dcBearer())).status).toBe(401);
    mock().setFault('user', { kind: 'anonymous' });
    const cloud = await get(mock().oauth2Endpoints().userProfileURL, {
      authorization: `Bearer ${mock().issueAccessToken(0)}`,
    });
    expect(cloud.status).toBe(401);
  });
});

describe('the users search (GET /rest/api/latest/users?filter=)', () => {
  const mock = useMock();
  const dcBearer = () => ({ authorization: `Bearer ${mock().issueAccessToken(0, undefined, 'dataCenter')}` });
  const search = (query: string) => get(`${mock().url}/rest/api/latest/users?${query}`, dcBearer());

  test("lists, in Data Center's paged shape, the users whose name, display name or email contains the filter", async () => {
    const res = await search('filter=JDO&avatarSize=64');
    const page = (await res.json()) as { size: number; isLastPage: boolean; start: number; values: { name: string }[] };
    expect([res.status, page.size, page.isLastPage, page.start, page.values.map((u) => u.name)]).toEqual([
      200,
      1,
      true,
      0,
      ['jdoe'],
    ]);
    expect(page.values[0]).toMatchObject({ slug: 'jdoe', avatarUrl: '/users/jdoe/avatar.png?s=64' });
  });

  test('pages with start and limit, and refuses an anonymous caller', async () => {
    const first = (await (await search('filter=&limit=2')).json()) as { values: unknown[]; nextPageStart: number };
    expect([first.values.length, first.nextPageStart]).toEqual([2, 2]);
    expect((await get(`${mock().url}/rest/api/latest/users?filter=j`)).status).toBe(401);
  });
});

describe('X-AUSERNAME (issue 11, point 8)', () => {
  const mock = useMock({ users: [CORP, ...DEFAULT_USERS] });
  test('is sent raw, not percent-encoded', async () => {
    const res = await get(mock().dataCenterEndpoints().whoamiURL, {
      authorization: `Bearer ${mock().issueAccessToken(0, undefined, 'dataCenter')}`,
    });
    expect([res.headers.get('x-ausername'), await res.text()]).toEqual(['jane.doe@corp', 'jane.doe@corp']);
  });

  test('(emails) page 1 of an empty list is a page, page 2 is not', async () => {
    const bearer = { authorization: `Bearer ${mock().issueAccessToken(0)}` };
    const empty = await get(mock().oauth2Endpoints().userEmailsURL, bearer);
    expect([empty.status, ((await empty.json()) as { values: unknown[] }).values]).toEqual([200, []]);
    expect((await get(`${mock().oauth2Endpoints().userEmailsURL}?page=2`, bearer)).status).toBe(404);
  });
});

describe.each(['raw', 'percent'] as const)('a Data Center login with X-AUSERNAME sent %s', (encoding) => {
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
    { mock: { users: [CORP], aUsernameEncoding: encoding } },
  );

  test('names the user jane.doe@corp (the strategy decodes a percent-encoded header)', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    const whoami = harness().mock.requests.find((r) => r.endpoint === 'whoami');
    expect(whoami).toBeDefined();
    expect(seen.at(-1)?.username).toBe('jane.doe@corp');
    expect(
      harness()
        .mock.requests.filter((r) => r.endpoint === 'dcUser')
        .map((r) => r.path)[0],
    ).toBe('/rest/api/latest/users/jane.doe%40corp');
  });
});

describe('token families', () => {
  const mock = useMock();

  test('refuses a Cloud token on Data Center endpoints', async () => {
    const cloud = { authorization: `Bearer ${mock().issueAccessToken(0)}` };
    const { whoamiURL, usersURL } = mock().dataCenterEndpoints();
    const whoami = await get(whoamiURL, cloud);
    expect([whoami.status, whoami.headers.has('x-ausername')]).toEqual([401, false]);
    expect((await get(`${usersURL}jdoe`, cloud)).status).toBe(401);
  });

  test('refuses a Data Center token on Cloud endpoints', async () => {
    const dc = { authorization: `Bearer ${mock().issueAccessToken(0, undefined, 'dataCenter')}` };
    const res = await get(mock().oauth2Endpoints().userProfileURL, dc);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
    });
  });
});

describe('GET /2.0/user/emails pages (issue 11, point 8)', () => {
  const mock = useMock();
  const bearer = () => ({ authorization: `Bearer ${mock().issueAccessToken('mmails')}` });
  const emails = () => mock().oauth2Endpoints().userEmailsURL;

  test('carry `previous` after the first page', async () => {
    const first = (await (await get(`${emails()}?pagelen=5`, bearer())).json()) as Record<string, unknown>;
    expect(first).not.toHaveProperty('previous');
    const second = (await (await get(`${emails()}?page=2&pagelen=5`, bearer())).json()) as Record<string, unknown>;
    expect(second.previous).toBe(`${emails()}?page=1&pagelen=5`);
    const last = (await (await get(`${emails()}?page=2`, bearer())).json()) as Record<string, unknown>;
    expect(last.previous).toBe(`${emails()}?page=1`);
    expect(last).not.toHaveProperty('next');
  });

  test('answer 404 past the last page, but page 1 of an empty list is a page', async () => {
    expect((await get(`${emails()}?page=3&pagelen=5`, bearer())).status).toBe(200);
    const past = await get(`${emails()}?page=4&pagelen=5`, bearer());
    expect(past.status).toBe(404);
    expect(((await past.json()) as { type: string }).type).toBe('error');
    expect((await get(`${emails()}?page=3`, bearer())).status).toBe(404);
    expect((await get(`${emails()}?page=2`, { authorization: `Bearer ${mock().issueAccessToken(0)}` })).status).toBe(
      404,
    );
  });
});
