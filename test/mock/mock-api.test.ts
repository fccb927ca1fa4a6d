import request from 'supertest';
import { createMockBitbucket, DEFAULT_USERS, type MockUser } from 'passport-bitbucket-oauth/testing';
import { basic, get, postForm, useMock } from './helpers';

const TOKEN_INVALID = {
  type: 'error',
  error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
};

afterEach(() => jest.restoreAllMocks());

describe('GET /2.0/user', () => {
  const mock = useMock();
  const bearer = (user: number | string = 0) => ({ authorization: `Bearer ${mock().issueAccessToken(user)}` });

  test('answers the Cloud user JSON, braces and all', async () => {
    const res = await request(mock().url).get('/2.0/user').set(bearer());
    const id = '%7B768f8c62-7f2a-4914-bf33-3f412fc1d3a4%7D';
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      username: 'jdoe',
      display_name: 'Jane Doe',
      has_2fa_enabled: null,
      links: {
        hooks: { href: `${mock().url}/2.0/users/${id}/hooks` },
        self: { href: `${mock().url}/2.0/users/${id}` },
        repositories: { href: `${mock().url}/2.0/repositories/${id}` },
        html: { href: `${mock().url}/${id}/` },
        avatar: { href: `${mock().url}/avatars/5c65cab48bcc9e016aeece31.svg` },
        snippets: { href: `${mock().url}/2.0/snippets/${id}` },
      },
      nickname: 'Jane Doe',
      account_id: '5c65cab48bcc9e016aeece31',
      created_on: expect.any(String),
      is_staff: false,
      account_status: 'active',
      type: 'user',
      uuid: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}',
      location: null,
    });
    expect(res.headers['x-oauth-scopes']).toBe('account, email');
    expect(res.headers['x-credential-type']).toBe('oauth2');
    expect(res.headers['x-accepted-oauth-scopes']).toBe('account');
  });

  test('omits username for an account that has none', async () => {
    const res = await request(mock().url).get('/2.0/user').set(bearer('{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}'));
    expect(res.body).not.toHaveProperty('username');
    expect(res.body.display_name).toBe('Pat Private');
  });

  test('serves the linked avatar as an SVG, and 404 for unknown accounts', async () => {
    const res = await request(mock().url).get('/avatars/5c65cab48bcc9e016aeece31.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(String(res.body)).toContain('>J</text>');
    expect((await request(mock().url).get('/avatars/nobody.svg')).status).toBe(404);
    expect((await request(mock().url).get('/avatars/%E0%A4%A.svg')).status).toBe(404);
  });

  test('rejects a token in ?access_token=, even a valid one', async () => {
    const token = mock().issueAccessToken(0);
    const res = await request(mock().url).get(`/2.0/user?access_token=${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(TOKEN_INVALID);
    const both = await request(mock().url).get(`/2.0/user?access_token=${token}`).set(bearer());
    expect(both.status).toBe(401);
  });

  test('rejects a token in a form body', async () => {
    const token = mock().issueAccessToken(0);
    const res = await request(mock().url).get('/2.0/user').type('form').send(`access_token=${token}`);
    expect([res.status, res.body]).toEqual([401, TOKEN_INVALID]);
  });

  test('refuses unknown tokens, other schemes and anonymous requests', async () => {
    expect((await request(mock().url).get('/2.0/user').set('authorization', 'Bearer nope')).body).toEqual(
      TOKEN_INVALID,
    );
    expect((await request(mock().url).get('/2.0/user').set('authorization', 'Token abc')).body).toEqual(TOKEN_INVALID);
    const anonymous = await request(mock().url).get('/2.0/user');
    expect([anonymous.status, anonymous.body.error.message]).toEqual([401, 'Authentication required.']);
    const basicAuth = await request(mock().url).get('/2.0/user').set('authorization', basic('jdoe', 'app-password'));
    expect(basicAuth.status).toBe(401);
    expect(basicAuth.headers['www-authenticate']).toBe('Basic realm="Bitbucket.org HTTP"');
    expect(basicAuth.headers['content-type']).toMatch(/^text\/plain/);
  });

  test('says "Access token expired." after expireAccessTokens() or after two hours', async () => {
    const expired = { type: 'error', error: { message: 'Access token expired.' } };
    const first = bearer();
    mock().expireAccessTokens();
    expect((await request(mock().url).get('/2.0/user').set(first)).body).toEqual(expired);
    const fresh = bearer();
    expect((await request(mock().url).get('/2.0/user').set(fresh)).status).toBe(200);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 7200_000);
    expect((await request(mock().url).get('/2.0/user').set(fresh)).body).toEqual(expired);
  });

  test('answers 403 without the account scope; account:write implies account', async () => {
    mock().clients.push(
      { clientId: 'emailonly', clientSecret: 's', scopes: ['email'] },
      { clientId: 'writer', clientSecret: 's', scopes: ['account:write'] },
    );
    const res = await request(mock().url)
      .get('/2.0/user')
      .set('authorization', `Bearer ${mock().issueAccessToken(0, 'emailonly')}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      type: 'error',
      error: {
        message: 'Your credentials lack one or more required privilege scopes.',
        detail: { required: ['account'], granted: ['email'] },
      },
    });
    const writer = await request(mock().url)
      .get('/2.0/user')
      .set('authorization', `Bearer ${mock().issueAccessToken(0, 'writer')}`);
    expect(writer.status).toBe(200);
  });
});

describe('GET /2.0/user/emails', () => {
  const mock = useMock();
  const bearer = (user: number | string = 2) => ({ authorization: `Bearer ${mock().issueAccessToken(user)}` });

  test('pages by 10 and links the next page with an absolute URL', async () => {
    const first = await request(mock().url).get('/2.0/user/emails').set(bearer());
    expect(first.body).toMatchObject({ pagelen: 10, page: 1, size: 12, next: `${mock().url}/2.0/user/emails?page=2` });
    expect(first.body.values).toHaveLength(10);
    expect(first.body.values[0]).toEqual({
      is_primary: false,
      is_confirmed: true,
      type: 'email',
      email: 'max.mails+1@example.org',
      links: { self: { href: `${mock().url}/2.0/user/emails/max.mails%2B1@example.org` } },
    });
    const second = await request(mock().url).get('/2.0/user/emails?page=2').set(bearer());
    expect(second.body).toMatchObject({ pagelen: 10, page: 2, size: 12 });
    expect(second.body).not.toHaveProperty('next');
    const values = (second.body as { values: { is_primary: boolean }[] }).values;
    expect(values.filter((e) => e.is_primary)).toHaveLength(1);
  });

  test('honours pagelen and answers 404 past the last page', async () => {
    const small = await request(mock().url).get('/2.0/user/emails?pagelen=5').set(bearer());
    expect(small.body.next).toBe(`${mock().url}/2.0/user/emails?page=2&pagelen=5`);
    const past = await request(mock().url).get('/2.0/user/emails?page=9').set(bearer());
    expect([past.status, past.body.type]).toEqual([404, 'error']);
  });

  test('refuses a bad page or pagelen', async () => {
    for (const query of ['page=0', 'page=abc', 'pagelen=0', 'pagelen=101']) {
      expect((await request(mock().url).get(`/2.0/user/emails?${query}`).set(bearer())).status).toBe(400);
    }
  });

  test('lists the user without a primary email as it is', async () => {
    const res = await request(mock().url).get('/2.0/user/emails').set(bearer(1));
    expect(res.body.values).toEqual([
      expect.objectContaining({ email: 'pat@example.net', is_primary: false, is_confirmed: false }),
    ]);
  });

  test('answers the exact 403 body without the email scope', async () => {
    mock().clients.push({ clientId: 'accountonly', clientSecret: 's', scopes: ['account'] });
    const res = await get(`${mock().url}/2.0/user/emails`, {
      authorization: `Bearer ${mock().issueAccessToken(0, 'accountonly')}`,
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(
      '{"type":"error","error":{"message":"Your credentials lack one or more required privilege scopes.","detail":{"required":["email"],"granted":["account"]}}}',
    );
  });
});

describe('unknown and removed paths', () => {
  const mock = useMock();

  test('answers 404 with the envelope for an unknown path', async () => {
    const res = await request(mock().url).get('/2.0/repositories/nope/nope/nope');
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('error');
    expect(res.body.error.message).toBe('Resource not found');
    expect(res.body.error.detail).toMatch(/^There is no API hosted at this URL\./);
  });

  test('answers 410 "Resource removed" for API 1.0, but not for its OAuth endpoints', async () => {
    for (const path of ['/1.0/user', '/api/1.0/user', '/api/1.0/repositories/x']) {
      const res = await request(mock().url).get(path);
      expect([res.status, res.body.error.message]).toEqual([410, 'Resource removed']);
    }
    expect((await request(mock().url).get('/api/1.0/oauth/unknown/')).status).toBe(404);
    // Both slash forms of the OAuth 1.0a endpoints are served (issue 11, point 1): unsigned, this one is a 401.
    expect((await request(mock().url).post('/api/1.0/oauth/request_token')).status).toBe(401);
  });

  test('keeps a path starting with // on the mock, and survives OPTIONS *', async () => {
    expect((await request(mock().url).get('//evil.example/2.0/user')).status).toBe(404);
    const { request: httpRequest } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const { hostname, port } = new URL(mock().url);
      httpRequest({ hostname, port, method: 'OPTIONS', path: '*' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(404);
  });
});

describe('Data Center REST', () => {
  const mock = useMock();
  const bearer = (user: number | string = 0) => ({
    authorization: `Bearer ${mock().issueAccessToken(user, undefined, 'dataCenter')}`,
  });

  test('whoami answers the username and X-AUSERNAME; 200, empty and no X-AUSERNAME when anonymous', async () => {
    const res = await request(mock().url).get('/plugins/servlet/applinks/whoami').set(bearer());
    expect([res.status, res.text, res.headers['x-ausername'], res.headers['content-type']]).toEqual([
      200,
      'jdoe',
      'jdoe',
      'text/plain; charset=utf-8',
    ]);
    const anonymous = await request(mock().url).get('/plugins/servlet/applinks/whoami');
    expect([anonymous.status, anonymous.text]).toEqual([200, '']);
    expect(anonymous.headers['x-ausername']).toBeUndefined();
  });

  test('answers the user JSON with a relative avatarUrl only when avatarSize is given', async () => {
    const res = await request(mock().url).get('/rest/api/latest/users/jdoe?avatarSize=256').set(bearer());
    expect(res.body).toEqual({
      name: 'jdoe',
      emailAddress: 'jane@example.com',
      id: 1,
      displayName: 'Jane Doe',
      active: true,
      slug: 'jdoe',
      type: 'NORMAL',
      links: { self: [{ href: `${mock().url}/users/jdoe` }] },
      avatarUrl: '/users/jdoe/avatar.png?s=256',
    });
    const bare = await request(mock().url).get('/rest/api/1.0/users/ppat').set(bearer());
    expect(bare.body).not.toHaveProperty('avatarUrl');
    expect(bare.body).not.toHaveProperty('emailAddress');
    const avatar = await request(mock().url).get('/users/jdoe/avatar.png?s=256');
    expect([avatar.status, avatar.headers['content-type']]).toEqual([200, 'image/svg+xml']);
    expect((await request(mock().url).get('/users/nobody/avatar.png')).status).toBe(404);
    expect((await request(mock().url).get('/users/%E0%A4%A/avatar.png')).status).toBe(404);
  });

  test('answers 404 NoSuchUserException for an unknown slug', async () => {
    for (const [slug, name] of [
      ['ghost', 'ghost'],
      ['%E0%A4%A', '%E0%A4%A'],
    ]) {
      const res = await request(mock().url).get(`/rest/api/latest/users/${slug}`).set(bearer());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        errors: [
          {
            context: null,
            message: `User ${name} does not exist.`,
            exceptionName: 'com.atlassian.bitbucket.user.NoSuchUserException',
          },
        ],
      });
    }
  });

  test('answers 401 in the Data Center format when not authenticated', async () => {
    const anonymous = await request(mock().url).get('/rest/api/latest/users/jdoe');
    expect([anonymous.status, anonymous.body.errors[0].exceptionName]).toEqual([
      401,
      'com.atlassian.bitbucket.AuthorisationException',
    ]);
    const wrong = await request(mock().url).get('/rest/api/latest/users/jdoe').set('authorization', 'Bearer nope');
    expect(wrong.body.errors[0].message).toBe('Authentication failed. Please check your credentials and try again.');
    const token = bearer();
    mock().expireAccessTokens();
    expect((await request(mock().url).get('/rest/api/latest/users/jdoe').set(token)).body.errors[0].message).toBe(
      'Access token expired.',
    );
  });

  test('names the user in X-AUSERNAME on every Data Center response, even a 404', async () => {
    const res = await request(mock().url).get('/rest/api/latest/projects').set(bearer(2));
    expect([res.status, res.headers['x-ausername']]).toEqual([404, 'mmails']);
    expect((await request(mock().url).get('/2.0/nothing').set(bearer(2))).headers['x-ausername']).toBeUndefined();
  });

  test('accepts Data Center OAuth 2.0 tokens on whoami', async () => {
    const dc = mock().dataCenterEndpoints();
    const auth = await postForm(dc.authorizationURL, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3000/cb',
      scope: 'REPO_READ',
      decision: 'grant',
    });
    const code = new URL(auth.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await postForm(
      dc.tokenURL,
      { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:3000/cb' },
      { authorization: basic() },
    );
    const { access_token } = (await token.json()) as { access_token: string };
    const res = await request(mock().url)
      .get('/plugins/servlet/applinks/whoami')
      .set('authorization', `Bearer ${access_token}`);
    expect(res.text).toBe('jdoe');
    // A Data Center token means nothing to Cloud.
    expect((await request(mock().url).get('/2.0/user').set('authorization', `Bearer ${access_token}`)).status).toBe(
      401,
    );
  });

  test('derives a Data Center identity for users without one', async () => {
    const users: MockUser[] = [
      {
        uuid: '{u1}',
        accountId: 'acc-1',
        username: 'Plain.User',
        nickname: 'p',
        displayName: 'Plain User',
        emails: [{ email: 'p@example.com', primary: true, confirmed: true }],
      },
      { uuid: '{u2}', accountId: 'ACC-2', nickname: 'n', displayName: 'No Name', emails: [] },
    ];
    const dcMock = await createMockBitbucket({ users });
    try {
      const first = await request(dcMock.url)
        .get('/rest/api/latest/users/plain.user')
        .set('authorization', `Bearer ${dcMock.issueAccessToken(0, undefined, 'dataCenter')}`);
      expect(first.body).toMatchObject({
        name: 'Plain.User',
        slug: 'plain.user',
        id: 1000,
        emailAddress: 'p@example.com',
      });
      const second = await request(dcMock.url)
        .get('/plugins/servlet/applinks/whoami')
        .set('authorization', `Bearer ${dcMock.issueAccessToken(1, undefined, 'dataCenter')}`);
      expect(second.text).toBe('ACC-2');
    } finally {
      await dcMock.close();
    }
  });
});

describe('the mock itself', () => {
  const mock = useMock();

  test('logs every request with path, query, lower-case headers, body and endpoint', async () => {
    await fetch(`${mock().url}/2.0/user?a=1&a=2&a=3&b=4`, { headers: { 'X-Custom': 'Yes' } });
    await postForm(mock().oauth2Endpoints().tokenURL, { grant_type: 'x' });
    await fetch(`${mock().url}/nowhere`);
    const [user, token, nowhere] = mock().requests;
    expect(user).toMatchObject({
      method: 'GET',
      path: '/2.0/user',
      query: { a: ['1', '2', '3'], b: '4' },
      body: '',
      endpoint: 'user',
    });
    expect(user?.headers['x-custom']).toBe('Yes');
    expect(token).toMatchObject({
      method: 'POST',
      path: '/site/oauth2/access_token',
      body: 'grant_type=x',
      endpoint: 'token',
    });
    expect(nowhere).not.toHaveProperty('endpoint');
  });

  test('refuses bodies over 1 MiB with 413', async () => {
    const res = await fetch(mock().oauth2Endpoints().tokenURL, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(mock().requests.at(-1)?.body).toBe('');
  });

  test('issues tokens by index, username, uuid or account id, and refuses unknown users or clients', () => {
    for (const key of [0, 'jdoe', '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}', '5c65cab48bcc9e016aeece31']) {
      expect(mock().issueAccessToken(key)).toMatch(/^[\w-]{40,}$/);
    }
    expect(() => mock().issueAccessToken('ghost')).toThrow(RangeError);
    expect(() => mock().issueAccessToken(0, 'nope')).toThrow(RangeError);
  });

  test('exposes endpoint URLs on its own origin', () => {
    expect(mock().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock().oauth2Endpoints()).toEqual({
      authorizationURL: `${mock().url}/site/oauth2/authorize`,
      tokenURL: `${mock().url}/site/oauth2/access_token`,
      userProfileURL: `${mock().url}/2.0/user`,
      userEmailsURL: `${mock().url}/2.0/user/emails`,
      userWorkspacesURL: `${mock().url}/2.0/user/workspaces`,
    });
    expect(mock().oauth1Endpoints().requestTokenURL).toBe(`${mock().url}/api/1.0/oauth/request_token/`);
    expect(mock().dataCenterEndpoints().baseURL).toBe(mock().url);
  });

  test('keeps the exported defaults frozen and gives each mock its own copy', () => {
    expect(Object.isFrozen(DEFAULT_USERS[0]?.emails[0])).toBe(true);
    expect(mock().users).toEqual(DEFAULT_USERS);
    expect(mock().users[0]).not.toBe(DEFAULT_USERS[0]);
    expect(DEFAULT_USERS.filter((u) => u.username === undefined && !u.emails.some((e) => e.primary))).toHaveLength(1);
    expect(DEFAULT_USERS.some((u) => u.emails.length === 12)).toBe(true);
  });
});

describe('createMockBitbucket options', () => {
  test('refuses an empty user list and a bad timestamp window', async () => {
    await expect(createMockBitbucket({ users: [] })).rejects.toThrow(RangeError);
    await expect(createMockBitbucket({ oauth1TimestampWindowSeconds: 0 })).rejects.toThrow(RangeError);
  });

  test('listens on the port it is given, and refuses one that is not a port', async () => {
    const free = await createMockBitbucket();
    const port = Number(new URL(free.url).port);
    await free.close();
    const fixed = await createMockBitbucket({ port });
    try {
      expect(fixed.url).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${fixed.url}/2.0/user`)).status).toBe(401);
    } finally {
      await fixed.close();
    }
    for (const bad of [-1, 65536, 1.5, '8080']) {
      await expect(createMockBitbucket({ port: bad as number })).rejects.toThrow(
        new RangeError(`createMockBitbucket: port must be an integer from 0 to 65535, got ${JSON.stringify(bad)}`),
      );
    }
  });

  test('rejects when the host cannot be listened on', async () => {
    await expect(createMockBitbucket({ host: '203.0.113.1' })).rejects.toThrow();
  });

  test.each([
    ['0.0.0.0', /^http:\/\/127\.0\.0\.1:\d+$/],
    ['::', /^http:\/\/\[::1\]:\d+$/],
    ['::1', /^http:\/\/\[::1\]:\d+$/],
    ['localhost', /^http:\/\/localhost:\d+$/],
  ])('listening on %s gives a reachable url', async (host, pattern) => {
    const mock = await createMockBitbucket({ host });
    try {
      expect(mock.url).toMatch(pattern);
      expect((await fetch(`${mock.url}/2.0/user`)).status).toBe(401);
    } finally {
      await mock.close();
    }
  });
});
