import { createHash } from 'node:crypto';
import { createMockBitbucket, DEFAULT_CLIENT, DEFAULT_USERS } from 'passport-bitbucket-oauth/testing';
import { authorizeCode, basic, exchange, get, locationParams, postForm, useMock } from './helpers';

const CALLBACK = 'http://127.0.0.1:3000/auth/callback';
const INVALID_CODE = { error_description: 'The authorization code is invalid or has expired', error: 'invalid_grant' };

afterEach(() => jest.restoreAllMocks());

function authorizeUrl(base: string, params: Record<string, string>, path = '/site/oauth2/authorize'): string {
  return `${base}${path}?${new URLSearchParams({ client_id: 'mock-client-id', response_type: 'code', ...params })}`;
}

describe('Cloud OAuth 2.0 authorize step', () => {
  const mock = useMock();

  test('shows a consent page with the signed-in user, the permissions and both buttons', async () => {
    const res = await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, state: 's1' }));
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('Mock Bitbucket — not the real bitbucket.org');
    expect(html).toContain('Signed in as <strong>Jane Doe</strong>');
    expect(html).toContain('<li>Account: Read</li><li>Email: Read</li>');
    expect(html).toContain('<form method="post" action="/site/oauth2/authorize">');
    expect(html).toContain('name="decision" value="grant">Grant access</button>');
    expect(html).toContain('name="decision" value="deny">Deny</button>');
    expect(html).toContain('<input type="hidden" name="state" value="s1">');
  });

  test('escapes a hostile state everywhere it is reflected', async () => {
    const hostile = '"><script>alert(1)</script>\'`&';
    const html = await (await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, state: hostile }))).text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"><script');
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#39;&#96;&#38;"');
  });

  test('redirects back with a code and the exact state when the user grants access', async () => {
    const state = 'a b+c/é';
    const res = await postForm(`${mock().url}/site/oauth2/authorize`, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: `${CALLBACK}?next=%2Fhome`,
      state,
      decision: 'grant',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('next')).toBe('/home');
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });

  test('redirects back with access_denied, a description and the state when the user denies', async () => {
    const res = await postForm(`${mock().url}/site/oauth2/authorize`, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: CALLBACK,
      state: 'xyz',
      decision: 'deny',
    });
    const params = locationParams(res);
    expect(res.status).toBe(302);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBe('The user denied access.');
    expect(params.get('state')).toBe('xyz');
    expect(params.has('code')).toBe(false);
  });

  test('refuses a consent post without a decision or not form-encoded', async () => {
    const missing = await postForm(`${mock().url}/site/oauth2/authorize`, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: CALLBACK,
    });
    expect(missing.status).toBe(400);
    const json = await fetch(`${mock().url}/site/oauth2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(await json.text()).toContain('form-encoded');
  });

  test('shows an error page, never a redirect, for a redirect_uri outside the callback URL', async () => {
    for (const redirectUri of ['http://evil.example/cb', 'https://127.0.0.1:3000/cb', 'http://127.0.0.1:notaport']) {
      const res = await get(authorizeUrl(mock().url, { redirect_uri: redirectUri }));
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Invalid redirect_uri');
    }
  });

  test('shows an error page for an unknown client, a missing redirect_uri or another response_type', async () => {
    const unknown = await get(authorizeUrl(mock().url, { client_id: 'nope', redirect_uri: CALLBACK }));
    expect(await unknown.text()).toContain('Invalid client_id');
    // The default callback URL is a prefix, not a URL: without redirect_uri there is nowhere to go.
    const noRedirect = await get(authorizeUrl(mock().url, {}));
    expect(await noRedirect.text()).toContain('Invalid redirect_uri');
    const implicit = await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, response_type: 'token' }));
    expect(implicit.status).toBe(400);
    expect(await implicit.text()).toContain('Unsupported response_type');
  });

  test('picks the signed-in user from mock_user, then x-mock-user, and refuses an unknown one', async () => {
    const byQuery = await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, mock_user: 'mmails' }));
    expect(await byQuery.text()).toContain('Signed in as <strong>Max Mails</strong>');
    const byHeader = await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK }), {
      'x-mock-user': '557058:2f8b7e3a-6c1d-4e5f-9a0b-1c2d3e4f5a6b',
    });
    const html = await byHeader.text();
    expect(html).toContain('Signed in as <strong>Pat Private</strong>');
    expect(html).toContain('Continue as <a href="/site/oauth2/authorize?');
    const unknown = await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, mock_user: 'ghost' }));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Unknown mock user');
  });

  test('redirects straight to access_denied under a deny fault, keeping the state', async () => {
    mock().setFault('authorize', { kind: 'deny' });
    const params = locationParams(await get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, state: 'st' })));
    expect([params.get('error'), params.get('state')]).toEqual(['access_denied', 'st']);
  });

  test('sends no state back when none was given', async () => {
    const res = await postForm(`${mock().url}/site/oauth2/authorize`, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: CALLBACK,
      decision: 'grant',
    });
    expect(locationParams(res).has('state')).toBe(false);
  });
});

describe('Cloud OAuth 2.0 token endpoint', () => {
  const mock = useMock({ autoApprove: true });

  test('exchanges a code for the documented token response', async () => {
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK, state: 'x' });
    const res = await exchange(mock(), { code, redirect_uri: CALLBACK });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'scope', 'expires_in', 'refresh_token', 'token_type', 'state']);
    expect(body).toMatchObject({
      scope: 'account email',
      expires_in: 7200,
      token_type: 'bearer',
      state: 'authorization_code',
    });
  });

  test('accepts each code once only', async () => {
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    expect((await exchange(mock(), { code, redirect_uri: CALLBACK })).status).toBe(200);
    const again = await exchange(mock(), { code, redirect_uri: CALLBACK });
    expect(again.status).toBe(400);
    expect(await again.text()).toBe(JSON.stringify(INVALID_CODE));
  });

  test('binds the code to the redirect_uri given at authorize time', async () => {
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    const other = await exchange(mock(), { code, redirect_uri: `${CALLBACK}/other` });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: string }).error).toBe('invalid_grant');
    const missing = await exchange(mock(), { code: await authorizeCode(mock(), { redirect_uri: CALLBACK }) });
    expect(missing.status).toBe(400);
  });

  test('binds the code to the client', async () => {
    const second = { clientId: 'second', clientSecret: 'second-secret', callbackURL: 'http://127.0.0.1:' };
    mock().clients.push(second);
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    const res = await exchange(
      mock(),
      { code, redirect_uri: CALLBACK },
      { authorization: basic('second', 'second-secret') },
    );
    expect(await res.json()).toEqual(INVALID_CODE);
  });

  test('lets codes expire after 60 seconds, and forgets them', async () => {
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(await (await exchange(mock(), { code, redirect_uri: CALLBACK })).json()).toEqual(INVALID_CODE);
    const expired = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    jest.spyOn(Date, 'now').mockReturnValue(now + 122_000);
    const fresh = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    const another = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    expect(await (await exchange(mock(), { code: expired, redirect_uri: CALLBACK })).json()).toEqual(INVALID_CODE);
    expect((await exchange(mock(), { code: fresh, redirect_uri: CALLBACK })).status).toBe(200);
    expect((await exchange(mock(), { code: another, redirect_uri: CALLBACK })).status).toBe(200);
  });

  test('answers invalid_grant when the code is missing', async () => {
    expect(await (await exchange(mock(), {})).json()).toEqual(INVALID_CODE);
  });

  test('requires client credentials, by HTTP Basic or in the form body', async () => {
    const expected = {
      error_description: 'Requests must be authenticated using OAuth client credentials',
      error: 'unauthorized_client',
    };
    const none = await exchange(mock(), { code: 'x' }, {});
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual(expected);
    // Wrong credentials are another matter: 401 invalid_client (faithful-oauth2.test.ts).
    const wrong = { error_description: 'Client authentication failed.', error: 'invalid_client' };
    expect(
      await (await exchange(mock(), { code: 'x' }, { authorization: basic('mock-client-id', 'wrong') })).json(),
    ).toEqual(wrong);
    expect(await (await exchange(mock(), { code: 'x' }, { authorization: 'Basic bm9jb2xvbg==' })).json()).toEqual(
      wrong,
    );
    const inBody = await exchange(
      mock(),
      { code: 'x', client_id: 'mock-client-id', client_secret: 'mock-client-secret' },
      {},
    );
    expect(await inBody.json()).toEqual(INVALID_CODE);
  });

  test('accepts form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    mock().clients.push({ clientId: 'id with space', clientSecret: 's&cret%', callbackURL: 'http://127.0.0.1:' });
    const header = basic(encodeURIComponent('id with space'), encodeURIComponent('s&cret%'));
    const bad = basic('id with space', '%E0%A4%A');
    expect(await (await exchange(mock(), { code: 'x' }, { authorization: header })).json()).toEqual(INVALID_CODE);
    expect(
      ((await (await exchange(mock(), { code: 'x' }, { authorization: bad })).json()) as { error: string }).error,
    ).toBe('invalid_client');
  });

  test('rejects a JSON body with the exact Bitbucket error', async () => {
    const res = await fetch(mock().oauth2Endpoints().tokenURL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic() },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('{"error_description":"Unsupported grant type: None","error":"invalid_grant"}');
  });

  test('names a missing or unsupported grant type', async () => {
    const missing = await postForm(mock().oauth2Endpoints().tokenURL, {}, { authorization: basic() });
    expect(await missing.json()).toEqual({ error_description: 'Unsupported grant type: None', error: 'invalid_grant' });
    const password = await postForm(
      mock().oauth2Endpoints().tokenURL,
      { grant_type: 'password' },
      { authorization: basic() },
    );
    expect(await password.json()).toEqual({
      error_description: 'Unsupported grant type: password',
      error: 'invalid_grant',
    });
  });

  test('rotates refresh tokens: each refresh returns a new one and kills the old one', async () => {
    const code = await authorizeCode(mock(), { redirect_uri: CALLBACK });
    const first = (await (await exchange(mock(), { code, redirect_uri: CALLBACK })).json()) as Record<string, string>;
    const refresh = (form: Record<string, string>) =>
      postForm(mock().oauth2Endpoints().tokenURL, { grant_type: 'refresh_token', ...form }, { authorization: basic() });
    const second = (await (await refresh({ refresh_token: first.refresh_token ?? '' })).json()) as Record<
      string,
      string
    >;
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.state).toBe('refresh_token');
    const old = await refresh({ refresh_token: first.refresh_token ?? '' });
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ error_description: 'Invalid refresh_token', error: 'invalid_request' });
    expect((await refresh({ refresh_token: second.refresh_token ?? '' })).status).toBe(200);
    expect((await refresh({})).status).toBe(400);
    const user = await get(mock().oauth2Endpoints().userProfileURL, { authorization: `Bearer ${second.access_token}` });
    expect(user.status).toBe(200);
  });

  test('answers invalid_request when the consumer has no callback URL', async () => {
    mock().clients.push({ clientId: 'nocb', clientSecret: 'nocb-secret' });
    const authorize = await get(authorizeUrl(mock().url, { client_id: 'nocb', redirect_uri: CALLBACK }));
    expect(authorize.status).toBe(400);
    const res = await exchange(mock(), { code: 'anything' }, { authorization: basic('nocb', 'nocb-secret') });
    expect(await res.json()).toEqual({
      error_description: 'No callback uri defined for the OAuth client.',
      error: 'invalid_request',
    });
  });

  test('sends the user to the consumer callback URL when no redirect_uri is given', async () => {
    mock().clients.push({ clientId: 'full', clientSecret: 'full-secret', callbackURL: CALLBACK });
    const res = await get(authorizeUrl(mock().url, { client_id: 'full' }));
    expect(res.headers.get('location')).toMatch(new RegExp(`^${CALLBACK}\\?code=`));
    const code = locationParams(res).get('code') ?? '';
    expect((await exchange(mock(), { code }, { authorization: basic('full', 'full-secret') })).status).toBe(200);
  });

  test('issues client_credentials tokens to private consumers only, without a refresh token', async () => {
    mock().clients.push({ clientId: 'priv', clientSecret: 'priv-secret', private: true, scopes: ['account'] });
    const res = await postForm(
      mock().oauth2Endpoints().tokenURL,
      { grant_type: 'client_credentials' },
      { authorization: basic('priv', 'priv-secret') },
    );
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ scope: 'account', token_type: 'bearer', state: 'client_credentials' });
    expect(body).not.toHaveProperty('refresh_token');
    const publicClient = await postForm(
      mock().oauth2Endpoints().tokenURL,
      { grant_type: 'client_credentials' },
      { authorization: basic() },
    );
    expect(((await publicClient.json()) as { error: string }).error).toBe('unauthorized_client');
  });

  test('answers 405 to a GET on the token endpoint', async () => {
    const res = await get(mock().oauth2Endpoints().tokenURL);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

// Bitbucket does not document PKCE for Cloud, so the mock ignores it there by default (issue 11, point 5).
// These tests are about the mock's PKCE checks themselves: they ask for them with cloudPkce: 'enforce'.
describe("Cloud PKCE with cloudPkce: 'enforce'", () => {
  const mock = useMock({ cloudPkce: 'enforce' });
  const PLAIN = 'plain-verifier-'.padEnd(43, 'x');

  test('refuses an unknown PKCE method with invalid_request', async () => {
    const res = await get(
      authorizeUrl(mock().url, {
        redirect_uri: CALLBACK,
        code_challenge: 'x',
        code_challenge_method: 'S512',
        state: 'p',
      }),
    );
    expect(locationParams(res).get('error')).toBe('invalid_request');
  });

  test('verifies PKCE S256 and plain challenges', async () => {
    const verifier = 'dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const s256 = () =>
      authorizeCode(mock(), { redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' });
    expect(
      (await exchange(mock(), { code: await s256(), redirect_uri: CALLBACK, code_verifier: verifier })).status,
    ).toBe(200);
    const wrong = await exchange(mock(), { code: await s256(), redirect_uri: CALLBACK, code_verifier: 'nope' });
    expect(await wrong.json()).toEqual({ error_description: 'Invalid code_verifier', error: 'invalid_grant' });
    expect((await exchange(mock(), { code: await s256(), redirect_uri: CALLBACK })).status).toBe(400);
    const plain = await authorizeCode(mock(), { redirect_uri: CALLBACK, code_challenge: PLAIN });
    expect((await exchange(mock(), { code: plain, redirect_uri: CALLBACK, code_verifier: PLAIN })).status).toBe(200);
  });
});

describe('consent page details', () => {
  test('names unknown scopes by their parts and offers no user switch with a single user', async () => {
    const mock = await createMockBitbucket({
      users: [DEFAULT_USERS[0]!],
      clients: [{ ...DEFAULT_CLIENT, scopes: ['account', 'repository:write', 'pullrequest'] }],
    });
    try {
      const html = await (await get(authorizeUrl(mock.url, { redirect_uri: CALLBACK }))).text();
      expect(html).toContain('<li>Account: Read</li><li>Repository: Write</li><li>Pullrequest: Read</li>');
      expect(html).not.toContain('Not you?');
    } finally {
      await mock.close();
    }
  });
});

describe('Cloud token response options', () => {
  test('can name the scope field `scopes`, as before 2026-05-04', async () => {
    const mock = await createMockBitbucket({ autoApprove: true, tokenScopeField: 'scopes' });
    try {
      const code = await authorizeCode(mock, { redirect_uri: CALLBACK });
      const body = (await (await exchange(mock, { code, redirect_uri: CALLBACK })).json()) as Record<string, unknown>;
      expect(body.scopes).toBe('account email');
      expect(body).not.toHaveProperty('scope');
    } finally {
      await mock.close();
    }
  });
});

describe('Data Center OAuth 2.0', () => {
  const mock = useMock();
  const dc = () => mock().dataCenterEndpoints();
  const dcAuthorize = (params: Record<string, string>) =>
    get(authorizeUrl(mock().url, { redirect_uri: CALLBACK, ...params }, '/rest/oauth2/latest/authorize'));
  const dcToken = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(
      dc().tokenURL,
      { client_id: DEFAULT_CLIENT.clientId, client_secret: DEFAULT_CLIENT.clientSecret, ...form },
      headers,
    );

  async function dcCode(scope = 'REPO_READ'): Promise<string> {
    const res = await postForm(dc().authorizationURL, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope,
      decision: 'grant',
    });
    return locationParams(res).get('code') ?? '';
  }

  test('requires a known scope and redirects with invalid_scope otherwise', async () => {
    for (const scope of ['account', 'PUBLIC_REPOS account']) {
      const res = await dcAuthorize({ state: 'dc-state', scope });
      const params = locationParams(res);
      expect(res.status).toBe(302);
      expect(params.get('error')).toBe('invalid_scope');
      expect(params.get('error_description')).toContain('PUBLIC_REPOS');
      expect(params.get('state')).toBe('dc-state');
    }
  });

  test('shows the requested scopes on the consent page', async () => {
    const html = await (await dcAuthorize({ scope: 'PUBLIC_REPOS REPO_READ' })).text();
    expect(html).toContain('<li>Public repositories: Read</li><li>Repositories: Read</li>');
    expect(html).toContain('action="/rest/oauth2/latest/authorize"');
  });

  test('exchanges a code with credentials in the form body for the Data Center response', async () => {
    const res = await dcToken({
      grant_type: 'authorization_code',
      code: await dcCode('PUBLIC_REPOS'),
      redirect_uri: CALLBACK,
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['scope', 'access_token', 'token_type', 'expires_in', 'refresh_token']);
    expect(body).toMatchObject({ scope: 'PUBLIC_REPOS', token_type: 'bearer', expires_in: 3600 });
    const refreshed = await dcToken({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token) });
    expect(refreshed.status).toBe(200);
    const reused = await dcToken({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token) });
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  test('also accepts HTTP Basic client authentication', async () => {
    const res = await postForm(
      dc().tokenURL,
      { grant_type: 'authorization_code', code: await dcCode(), redirect_uri: CALLBACK },
      { authorization: basic() },
    );
    expect(res.status).toBe(200);
  });

  test('answers RFC 6749 errors', async () => {
    const json = await fetch(dc().tokenURL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([json.status, ((await json.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    const client = await postForm(dc().tokenURL, {
      grant_type: 'authorization_code',
      client_id: 'mock-client-id',
      client_secret: 'bad',
    });
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
    const grant = await dcToken({ grant_type: 'client_credentials' });
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    expect(((await (await dcToken({})).json()) as { error_description: string }).error_description).toBe(
      'Unsupported grant type: none',
    );
  });

  test('does not accept a Cloud code, and lets its codes expire after 10 seconds', async () => {
    const cloud = await postForm(`${mock().url}/site/oauth2/authorize`, {
      client_id: 'mock-client-id',
      response_type: 'code',
      redirect_uri: CALLBACK,
      decision: 'grant',
    });
    const cloudCode = locationParams(cloud).get('code') ?? '';
    expect((await dcToken({ grant_type: 'authorization_code', code: cloudCode, redirect_uri: CALLBACK })).status).toBe(
      400,
    );
    const code = await dcCode();
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 11_000);
    expect((await dcToken({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK })).status).toBe(400);
  });
});
