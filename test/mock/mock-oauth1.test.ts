import { generateKeyPairSync } from 'node:crypto';
import { createMockBitbucket, type MockBitbucket, type OAuth1DenyStyle } from 'passport-bitbucket-oauth/testing';
import { get, locationParams, oauthHeader, postForm, useMock, type SignOptions } from './helpers';

const CALLBACK = 'http://127.0.0.1:3000/auth/bitbucket/callback';

afterEach(() => jest.restoreAllMocks());

function post(url: string, header: string, form: Record<string, string> = {}): Promise<Response> {
  return postForm(url, form, { authorization: header });
}

async function requestToken(mock: MockBitbucket, sign: SignOptions = {}, url = mock.oauth1Endpoints().requestTokenURL) {
  const res = await post(url, oauthHeader('POST', url, { oauthParams: { oauth_callback: CALLBACK }, ...sign }));
  const text = await res.text();
  const body = new URLSearchParams(text);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text,
    token: body.get('oauth_token') ?? '',
    secret: body.get('oauth_token_secret') ?? '',
    body,
  };
}

async function accessToken(
  mock: MockBitbucket,
  token: string,
  tokenSecret: string,
  verifier: string,
  sign: SignOptions = {},
  url = mock.oauth1Endpoints().accessTokenURL,
) {
  const res = await post(
    url,
    oauthHeader('POST', url, { token, tokenSecret, oauthParams: { oauth_verifier: verifier }, ...sign }),
  );
  return { res, status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function fullFlow(mock: MockBitbucket): Promise<{ token: string; secret: string }> {
  const rt = await requestToken(mock);
  const auth = await get(`${mock.oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}`);
  const verifier = locationParams(auth).get('oauth_verifier') ?? '';
  const at = new URLSearchParams((await accessToken(mock, rt.token, rt.secret, verifier)).text);
  return { token: at.get('oauth_token') ?? '', secret: at.get('oauth_token_secret') ?? '' };
}

describe('Cloud OAuth 1.0a, the happy path', () => {
  const mock = useMock({ autoApprove: true });

  test('issues a request token with oauth_callback_confirmed, form-encoded', async () => {
    const rt = await requestToken(mock());
    expect(rt.status).toBe(200);
    expect([...rt.body.keys()]).toEqual(['oauth_token', 'oauth_token_secret', 'oauth_callback_confirmed']);
    expect(rt.body.get('oauth_callback_confirmed')).toBe('true');
  });

  test('redirects to the callback with the token and a verifier, then trades them for an access token', async () => {
    const rt = await requestToken(mock());
    const auth = await get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}`);
    expect(auth.status).toBe(302);
    expect(auth.headers.get('location')).toMatch(new RegExp(`^${CALLBACK}\\?oauth_token=${rt.token}&oauth_verifier=`));
    const verifier = locationParams(auth).get('oauth_verifier') ?? '';
    const at = await accessToken(mock(), rt.token, rt.secret, verifier);
    expect(at.res.status).toBe(200);
    expect([...new URLSearchParams(at.text).keys()]).toEqual(['oauth_token', 'oauth_token_secret']);
  });

  test('serves /2.0/user and /2.0/user/emails to requests signed with the access token', async () => {
    const { token, secret } = await fullFlow(mock());
    const { userProfileURL, userEmailsURL } = mock().oauth1Endpoints();
    const user = await get(userProfileURL, {
      authorization: oauthHeader('GET', userProfileURL, { token, tokenSecret: secret }),
    });
    expect(user.status).toBe(200);
    expect(user.headers.get('x-credential-type')).toBe('oauth1');
    expect(((await user.json()) as { username: string }).username).toBe('jdoe');
    const emails = await get(userEmailsURL, {
      authorization: oauthHeader('GET', userEmailsURL, { token, tokenSecret: secret }),
    });
    expect(emails.status).toBe(200);
  });

  test('refuses a signed API request with an unknown token, a bad signature or an expired token', async () => {
    const { token, secret } = await fullFlow(mock());
    const url = mock().oauth1Endpoints().userProfileURL;
    const unknown = await get(url, { authorization: oauthHeader('GET', url, { token: 'nope', tokenSecret: secret }) });
    expect(await unknown.json()).toEqual({
      type: 'error',
      error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
    });
    const tokenless = await get(url, { authorization: oauthHeader('GET', url) });
    expect(tokenless.status).toBe(401);
    const badSig = await get(url, { authorization: oauthHeader('GET', url, { token, tokenSecret: 'wrong' }) });
    expect(await badSig.json()).toEqual({ type: 'error', error: { message: 'Could not verify OAuth request.' } });
    mock().expireAccessTokens();
    const expired = await get(url, { authorization: oauthHeader('GET', url, { token, tokenSecret: secret }) });
    expect(await expired.json()).toEqual({ type: 'error', error: { message: 'Access token expired.' } });
  });

  test('accepts PLAINTEXT signatures, with or without timestamp and nonce', async () => {
    const url = mock().oauth1Endpoints().requestTokenURL;
    const header = `OAuth oauth_consumer_key="mock-client-id", oauth_signature_method="PLAINTEXT", oauth_signature="mock-client-secret%26", oauth_callback="${encodeURIComponent(CALLBACK)}"`;
    expect((await post(url, header)).status).toBe(200);
    expect((await post(url, `${header}, oauth_nonce="only-a-nonce"`)).status).toBe(200);
    expect((await requestToken(mock(), { method: 'PLAINTEXT' })).status).toBe(200);
  });

  test('accepts parameters in the query string or the form body instead of the header', async () => {
    const url = mock().oauth1Endpoints().requestTokenURL;
    const signedParams = (): Record<string, string> =>
      Object.fromEntries(
        [...oauthHeader('POST', url, { oauthParams: { oauth_callback: 'oob' } }).matchAll(/(\w+)="([^"]*)"/g)].map(
          (m) => [m[1] ?? '', decodeURIComponent(m[2] ?? '')],
        ),
      );
    expect((await postForm(url, signedParams())).status).toBe(200);
    expect((await fetch(`${url}?${new URLSearchParams(signedParams())}`, { method: 'POST' })).status).toBe(200);
    const bodyParams = [['extra', 'x y']] as const;
    const signed = oauthHeader('POST', url, { oauthParams: { oauth_callback: 'oob' }, bodyParams });
    expect((await postForm(url, { extra: 'x y' }, { authorization: signed })).status).toBe(200);
    const tampered = oauthHeader('POST', url, { oauthParams: { oauth_callback: 'oob' }, bodyParams });
    expect((await postForm(url, { extra: 'tampered' }, { authorization: tampered })).status).toBe(401);
  });

  test('shows the verifier on a page for an out-of-band callback', async () => {
    const url = mock().oauth1Endpoints().requestTokenURL;
    const res = await post(url, oauthHeader('POST', url, { oauthParams: { oauth_callback: 'oob' } }));
    const token = new URLSearchParams(await res.text()).get('oauth_token') ?? '';
    const page = await get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Enter this verification code in the application');
  });
});

describe('Cloud OAuth 1.0a, refusals', () => {
  const mock = useMock({ oauth1TimestampWindowSeconds: 60 });
  const COULD_NOT_VERIFY = 'Could not verify OAuth request.';

  async function expectRefusal(
    res: Promise<Response | { status: number; type: string | null; text: string }>,
    text = COULD_NOT_VERIFY,
  ) {
    const answer = await res;
    const body = answer instanceof Response ? await answer.text() : answer.text;
    const type = answer instanceof Response ? answer.headers.get('content-type') : answer.type;
    expect([answer.status, type, body]).toEqual([401, 'text/plain; charset=utf-8', text]);
  }

  test('rejects a bad signature', async () => {
    await expectRefusal(requestToken(mock(), { secret: 'not-the-secret' }));
  });

  test('rejects a timestamp outside the window, past or future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefusal(requestToken(mock(), { timestamp: String(now - 61) }));
    await expectRefusal(requestToken(mock(), { timestamp: String(now + 61) }));
    await expectRefusal(requestToken(mock(), { timestamp: 'soon' }));
    expect((await requestToken(mock(), { timestamp: String(now - 59) })).status).toBe(200);
  });

  test('rejects a replayed nonce, and forgets nonces once their timestamp is out of the window', async () => {
    const now = Date.now();
    expect((await requestToken(mock(), { nonce: 'once' })).status).toBe(200);
    await expectRefusal(requestToken(mock(), { nonce: 'once' }));
    jest.spyOn(Date, 'now').mockReturnValue(now + 120_000);
    expect(
      (await requestToken(mock(), { nonce: 'once', timestamp: String(Math.floor(now / 1000) + 120) })).status,
    ).toBe(200);
  });

  test('rejects an unknown consumer, RSA-SHA1, another version and missing parameters', async () => {
    await expectRefusal(requestToken(mock(), { key: 'unknown' }));
    await expectRefusal(
      requestToken(mock(), {
        method: 'RSA-SHA1',
        privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      }),
    );
    await expectRefusal(requestToken(mock(), { oauthParams: { oauth_callback: CALLBACK, oauth_version: '2.0' } }));
    const url = mock().oauth1Endpoints().requestTokenURL;
    await expectRefusal(fetch(url, { method: 'POST' }));
    await expectRefusal(
      post(url, 'OAuth oauth_consumer_key="mock-client-id", oauth_signature_method="HMAC-SHA1", oauth_signature="x"'),
    );
    await expectRefusal(post(url, 'OAuth oauth_consumer_key="%E0%A4%A"'));
  });

  test('signs against the mock URL when an HTTP/1.0 request has no Host header', async () => {
    const { connect } = await import('node:net');
    const url = mock().oauth1Endpoints().requestTokenURL;
    const header = oauthHeader('POST', url, { oauthParams: { oauth_callback: 'oob' } });
    const { hostname, port, pathname } = new URL(url);
    const answer = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = connect(Number(port), hostname, () =>
        socket.end(`POST ${pathname} HTTP/1.0\r\nAuthorization: ${header}\r\nContent-Length: 0\r\n\r\n`),
      );
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('oauth_callback_confirmed=true');
  });

  test('requires an oauth_callback that is a URL or "oob"', async () => {
    const url = mock().oauth1Endpoints().requestTokenURL;
    await expectRefusal(post(url, oauthHeader('POST', url)));
    await expectRefusal(post(url, oauthHeader('POST', url, { oauthParams: { oauth_callback: 'ftp://x/' } })));
    await expectRefusal(post(url, oauthHeader('POST', url, { oauthParams: { oauth_callback: 'not a url' } })));
  });

  test('refuses unknown, used or unauthorized request tokens and wrong verifiers with "Invalid request token."', async () => {
    const INVALID = 'Invalid request token.';
    await expectRefusal(get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=unknown`), INVALID);
    await expectRefusal(get(mock().oauth1Endpoints().userAuthorizationURL), INVALID);
    const url = mock().oauth1Endpoints().accessTokenURL;
    await expectRefusal(post(url, oauthHeader('POST', url, { oauthParams: { oauth_verifier: 'v' } })), INVALID);
    await expectRefusal(requestToken(mock(), { token: 'already-a-token' }), INVALID);
    const unauthorized = await requestToken(mock());
    await expectRefusal(accessToken(mock(), unauthorized.token, unauthorized.secret, 'guess'), INVALID);
    await expectRefusal(accessToken(mock(), 'unknown', 'x', 'guess'), INVALID);

    const rt = await requestToken(mock());
    const granted = await postForm(mock().oauth1Endpoints().userAuthorizationURL, {
      oauth_token: rt.token,
      decision: 'grant',
    });
    const verifier = locationParams(granted).get('oauth_verifier') ?? '';
    await expectRefusal(get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}`), INVALID);
    await expectRefusal(accessToken(mock(), rt.token, rt.secret, 'wrong'), INVALID);
    // The wrong attempt burnt the request token: the right verifier no longer works either.
    await expectRefusal(accessToken(mock(), rt.token, rt.secret, verifier), INVALID);
  });

  test('uses each request token and verifier once', async () => {
    const rt = await requestToken(mock());
    const granted = await postForm(mock().oauth1Endpoints().userAuthorizationURL, {
      oauth_token: rt.token,
      decision: 'grant',
    });
    const verifier = locationParams(granted).get('oauth_verifier') ?? '';
    expect((await accessToken(mock(), rt.token, rt.secret, verifier)).res.status).toBe(200);
    await expectRefusal(accessToken(mock(), rt.token, rt.secret, verifier), 'Invalid request token.');
  });
});

describe('Cloud OAuth 1.0a consent page', () => {
  const mock = useMock();

  test('shows the consumer, the user and the scopes, and posts the token back', async () => {
    const rt = await requestToken(mock());
    const html = await (
      await get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}&mock_user=mmails`)
    ).text();
    expect(html).toContain('Signed in as <strong>Max Mails</strong>');
    expect(html).toContain('<li>Account: Read</li><li>Email: Read</li>');
    expect(html).toContain(`<input type="hidden" name="oauth_token" value="${rt.token}">`);
    expect(html).toContain('action="/api/1.0/oauth/authenticate/"');
  });

  test('lists no permissions when the consumer was removed meanwhile', async () => {
    const rt = await requestToken(mock());
    mock().clients.splice(0, 1);
    expect(
      await (await get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}`)).text(),
    ).toContain('<ul></ul>');
  });

  test('redirects with ?denied=<token> when the user denies, and the token dies', async () => {
    const rt = await requestToken(mock());
    const denied = await postForm(mock().oauth1Endpoints().userAuthorizationURL, {
      oauth_token: rt.token,
      decision: 'deny',
    });
    expect(denied.headers.get('location')).toBe(`${CALLBACK}?denied=${rt.token}`);
    expect((await get(`${mock().oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}`)).status).toBe(401);
  });

  test('refuses a post without decision, not form-encoded, or for an unknown user', async () => {
    const rt = await requestToken(mock());
    const url = mock().oauth1Endpoints().userAuthorizationURL;
    expect((await postForm(url, { oauth_token: rt.token })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(400);
    expect((await get(`${url}?oauth_token=${rt.token}&mock_user=ghost`)).status).toBe(400);
  });

  test('shows an "Access denied" page to an out-of-band consumer that is denied', async () => {
    const url = mock().oauth1Endpoints().requestTokenURL;
    const res = await post(url, oauthHeader('POST', url, { oauthParams: { oauth_callback: 'oob' } }));
    const token = new URLSearchParams(await res.text()).get('oauth_token') ?? '';
    const page = await postForm(mock().oauth1Endpoints().userAuthorizationURL, {
      oauth_token: token,
      decision: 'deny',
    });
    expect([page.status, (await page.text()).includes('Access denied')]).toEqual([200, true]);
  });
});

describe('OAuth 1.0a denial styles', () => {
  const cases: [OAuth1DenyStyle, (token: string) => string][] = [
    ['denied', (t) => `denied=${t}`],
    ['error', (t) => `error=access_denied&oauth_token=${t}`],
    ['oauth_problem', (t) => `oauth_problem=permissions_denied&oauth_token=${t}`],
    ['no_verifier', (t) => `oauth_token=${t}`],
    ['verifier_denied', (t) => `oauth_token=${t}&oauth_verifier=denied`],
  ];
  test.each(cases)('style %s redirects with the documented parameters under a deny fault', async (style, query) => {
    const mock = await createMockBitbucket({ oauth1DenyStyle: style });
    try {
      mock.setFault('oauth1Authorize', { kind: 'deny' });
      const rt = await requestToken(mock);
      const res = await get(`${mock.oauth1Endpoints().userAuthorizationURL}?oauth_token=${rt.token}`);
      expect(res.headers.get('location')).toBe(`${CALLBACK}?${query(rt.token)}`);
    } finally {
      await mock.close();
    }
  });
});

describe('Data Center OAuth 1.0a (application links, RSA-SHA1)', () => {
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const rsa: SignOptions = { key: 'applink', secret: '', method: 'RSA-SHA1', privateKey: keys.privateKey };
  const mock = useMock({ clients: [{ clientId: 'applink', clientSecret: '', publicKey: keys.publicKey }] });
  const dc = () => mock().dataCenterEndpoints();

  test('runs the whole dance and identifies the user with whoami and X-AUSERNAME', async () => {
    const rt = await requestToken(mock(), rsa, dc().requestTokenURL);
    expect(rt.status).toBe(200);
    const page = await (await get(`${dc().userAuthorizationURL}?oauth_token=${rt.token}`)).text();
    expect(page).toContain('<li>Act on your behalf in Bitbucket</li>');
    const granted = await postForm(dc().userAuthorizationURL, {
      oauth_token: rt.token,
      mock_user: 'mmails',
      decision: 'grant',
    });
    const verifier = locationParams(granted).get('oauth_verifier') ?? '';
    const at = await accessToken(mock(), rt.token, rt.secret, verifier, rsa, dc().accessTokenURL);
    expect(at.res.status).toBe(200);
    const access = new URLSearchParams(at.text);
    const sign = {
      ...rsa,
      token: access.get('oauth_token') ?? '',
      tokenSecret: access.get('oauth_token_secret') ?? '',
    };
    const whoami = await get(dc().whoamiURL, { authorization: oauthHeader('GET', dc().whoamiURL, sign) });
    expect([whoami.status, whoami.headers.get('x-ausername'), await whoami.text()]).toEqual([200, 'mmails', 'mmails']);
    const userUrl = `${dc().usersURL}mmails?avatarSize=64`;
    const user = await get(userUrl, { authorization: oauthHeader('GET', userUrl, sign) });
    expect(user.headers.get('x-ausername')).toBe('mmails');
    expect(((await user.json()) as { avatarUrl: string }).avatarUrl).toBe('/users/mmails/avatar.png?s=64');
  });

  test('reports problems as form-encoded oauth_problem with 401', async () => {
    const hmac = await requestToken(mock(), { key: 'applink', secret: '' }, dc().requestTokenURL);
    expect([hmac.status, hmac.body.get('oauth_problem')]).toEqual([401, 'signature_method_rejected']);
    const res = await post(dc().requestTokenURL, 'OAuth oauth_consumer_key="applink"');
    expect(res.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(res.headers.get('www-authenticate')).toContain('oauth_problem="parameter_absent"');
    expect(await res.text()).toBe('oauth_problem=parameter_absent');
    const unknown = await get(`${dc().userAuthorizationURL}?oauth_token=nope`);
    expect(await unknown.text()).toBe('oauth_problem=token_rejected');
  });

  test('sends oauth_problem=permissions_denied when the user denies', async () => {
    const rt = await requestToken(mock(), rsa, dc().requestTokenURL);
    const denied = await postForm(dc().userAuthorizationURL, { oauth_token: rt.token, decision: 'deny' });
    expect(denied.headers.get('location')).toBe(`${CALLBACK}?oauth_problem=permissions_denied&oauth_token=${rt.token}`);
  });

  test('does not let a Cloud request token be authorized on Data Center paths', async () => {
    const cloud = await createMockBitbucket();
    try {
      const rt = await requestToken(cloud);
      expect((await get(`${cloud.dataCenterEndpoints().userAuthorizationURL}?oauth_token=${rt.token}`)).status).toBe(
        401,
      );
    } finally {
      await cloud.close();
    }
  });
});
