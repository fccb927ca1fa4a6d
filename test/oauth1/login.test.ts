import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BitbucketStrategy } from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT } from 'passport-bitbucket-oauth/testing';
import { reserveAppURL, startApp } from '../support/app';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { callsTo, cloudOptions, JANE, oauthParamsOf, startCloud, useCloud } from './helpers';

guardProcess();

describe('BitbucketStrategy signing a user in over OAuth 1.0a through the mock Bitbucket Cloud', () => {
  const harness = useCloud();

  it('is named "bitbucket" and talks to Bitbucket Cloud by default', () => {
    expect(harness().strategy.name).toBe('bitbucket');
    expect(harness().strategy.deployment).toBe('cloud');
  });

  it('logs the user in with their uuid and primary email, and keeps them in the session', async () => {
    const { app } = harness();
    const agent = app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(200);
    expect(callback?.body).toEqual({ user: { id: JANE.uuid, email: 'jane@example.com' }, authInfo: {} });
    expect((await agent.get('/me')).body).toEqual({ user: { id: JANE.uuid, email: 'jane@example.com' } });
    expect(app.errors).toEqual([]);
  });

  it('gives verify the access token and its secret: two different non-empty strings, the ones that sign the API calls', async () => {
    const { app, bitbucket, verified } = harness();
    await login(app.agent());
    expect(verified).toHaveLength(1);
    const { token, tokenSecret } = verified[0]!;
    expect(typeof token).toBe('string');
    expect(typeof tokenSecret).toBe('string');
    expect(token).not.toBe('');
    expect(tokenSecret).not.toBe('');
    expect(token).not.toBe(tokenSecret);
    expect(oauthParamsOf(callsTo(bitbucket, 'user')[0]).oauth_token).toBe(token);
    // The request token is a different one: verify gets the access token, not the request token.
    expect(oauthParamsOf(callsTo(bitbucket, 'accessToken')[0]).oauth_token).not.toBe(token);
  });

  it('builds the profile from API 2.0 with the shared parser', async () => {
    const { app, bitbucket, verified } = harness();
    await login(app.agent());
    const profile = verified[0]!.profile!;
    expect(profile).toEqual({
      provider: 'bitbucket',
      id: JANE.uuid,
      deployment: 'cloud',
      baseURL: 'https://bitbucket.org',
      accountId: JANE.accountId,
      nickname: 'Jane Doe',
      username: 'jdoe',
      displayName: 'Jane Doe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      profileUrl: `${bitbucket.url}/%7B768f8c62-7f2a-4914-bf33-3f412fc1d3a4%7D/`,
      photos: [{ value: `${bitbucket.url}/avatars/${JANE.accountId}.svg` }],
      emails: [
        { value: 'jane@example.com', primary: true, verified: true },
        { value: 'jane.doe@work.example.com', primary: false, verified: true },
      ],
      _raw: expect.any(String),
      _json: expect.objectContaining({ uuid: JANE.uuid, account_id: JANE.accountId }),
    });
    expect(JSON.parse(profile._raw)).toEqual(profile._json);
  });

  it('reads the profile with OAuth 1.0a-signed requests to /2.0/user and /2.0/user/emails, and never calls API 1.0', async () => {
    const { app, bitbucket, verified } = harness();
    await login(app.agent());
    const paths = bitbucket.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.slice(0, 3)).toEqual([
      'POST /api/1.0/oauth/request_token/',
      'GET /api/1.0/oauth/authenticate/',
      'POST /api/1.0/oauth/access_token/',
    ]);
    // The two profile calls run in parallel, so either may arrive first.
    expect(paths.slice(3).sort()).toEqual(['GET /2.0/user', 'GET /2.0/user/emails']);
    for (const call of [...callsTo(bitbucket, 'user'), ...callsTo(bitbucket, 'emails')]) {
      expect(call.headers.authorization).toMatch(/^OAuth /);
      expect(call.query).toEqual(call.endpoint === 'emails' ? { pagelen: '100' } : {});
      expect(oauthParamsOf(call)).toEqual({
        oauth_consumer_key: DEFAULT_CLIENT.clientId,
        oauth_nonce: expect.stringMatching(/^[0-9a-f]{32}$/),
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: expect.stringMatching(/^\d+$/),
        oauth_version: '1.0',
        oauth_token: verified[0]!.token,
        oauth_signature: expect.stringMatching(/^[A-Za-z0-9+/]{27}=$/),
      });
    }
  });

  it('signs the token requests: the callback in the request token call, the verifier in the access token call', async () => {
    const { app, bitbucket } = harness();
    const { callback } = await login(app.agent());
    const requestToken = oauthParamsOf(callsTo(bitbucket, 'requestToken')[0]);
    expect(requestToken.oauth_callback).toBe(`${app.url}/callback`);
    expect(requestToken.oauth_token).toBeUndefined();
    const accessToken = oauthParamsOf(callsTo(bitbucket, 'accessToken')[0]);
    const back = new URL(String(callback?.request.url)).searchParams;
    expect(accessToken.oauth_token).toBe(back.get('oauth_token'));
    expect(accessToken.oauth_verifier).toBe(back.get('oauth_verifier'));
    expect(callsTo(bitbucket, 'requestToken')[0]?.body).toBe('');
  });

  it('reads the 12 addresses of /2.0/user/emails in one page of 100, signing the query too', async () => {
    const { app, bitbucket, verified } = harness();
    const { callback } = await login(app.agent(), { mockUser: 'mmails' });
    expect(callback?.body.user).toEqual({
      id: '{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}',
      email: 'max.mails+11@example.org',
    });
    const emailCalls = callsTo(bitbucket, 'emails');
    expect(emailCalls.map((c) => c.query)).toEqual([{ pagelen: '100' }]);
    expect(verified[0]!.profile!.emails).toHaveLength(12);
  });
});

describe('BitbucketStrategy reading the profile', () => {
  it('asks for the user and the emails at the same time: with either call hanging, the other one is still made', async () => {
    for (const hanging of ['user', 'emails'] as const) {
      const other = hanging === 'user' ? 'emails' : 'user';
      const h = await startCloud({ options: { timeout: 300 } });
      try {
        h.bitbucket.setFault(hanging, { kind: 'hang' });
        const { callback } = await login(h.app.agent());
        expect(callback?.status).toBe(500);
        expect(callsTo(h.bitbucket, other)).toHaveLength(1);
        expect(h.app.errors.map((e) => e.message)).toEqual([
          `GET ${h.bitbucket.url}/2.0/user${hanging === 'emails' ? '/emails' : ''} did not answer within 300 ms`,
        ]);
      } finally {
        await h.close();
      }
    }
  });
});

describe('BitbucketStrategy options', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('skipUserProfile: true logs the user in without a single API call', async () => {
    const h = await startCloud({ options: { skipUserProfile: true } });
    close = h.close;
    const { callback } = await login(h.app.agent());
    expect(callback?.status).toBe(200);
    expect(h.verified).toEqual([{ token: expect.any(String), tokenSecret: expect.any(String), profile: undefined }]);
    expect(callsTo(h.bitbucket, 'user')).toEqual([]);
    expect(callsTo(h.bitbucket, 'emails')).toEqual([]);
  });

  it('skipUserProfile as a function is asked with the token and its secret', async () => {
    const asked: string[][] = [];
    const h = await startCloud({
      options: {
        skipUserProfile: (token, tokenSecret, done) => {
          asked.push([token, tokenSecret]);
          done(null, asked.length === 1);
        },
      },
    });
    close = h.close;
    await login(h.app.agent());
    await login(h.app.agent());
    expect(asked).toEqual(h.verified.map((v) => [v.token, v.tokenSecret]));
    expect(h.verified.map((v) => v.profile?.id)).toEqual([undefined, JANE.uuid]);
    expect(callsTo(h.bitbucket, 'user')).toHaveLength(1);
  });

  it('emails: false skips /2.0/user/emails and leaves profile.emails empty', async () => {
    const h = await startCloud({ options: { emails: false } });
    close = h.close;
    const { callback } = await login(h.app.agent());
    expect(callback?.body.user).toEqual({ id: JANE.uuid, email: null });
    expect(h.verified[0]!.profile!.emails).toEqual([]);
    expect(h.verified[0]!.profile!.emailsError).toBeUndefined();
    expect(callsTo(h.bitbucket, 'emails')).toEqual([]);
  });

  it('a consumer without the email scope still logs the user in, with emailsError saying why', async () => {
    const h = await startCloud({ mock: { clients: [{ ...DEFAULT_CLIENT, scopes: ['account'] }] } });
    close = h.close;
    const { callback } = await login(h.app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: JANE.uuid, email: null });
    expect(h.verified[0]!.profile!.emails).toEqual([]);
    expect(h.verified[0]!.profile!.emailsError).toEqual({
      status: 403,
      message: 'Your credentials lack one or more required privilege scopes.',
      required: ['email'],
      granted: ['account'],
    });
    expect(h.app.errors).toEqual([]);
  });

  it('name: the strategy answers to the name it is given', async () => {
    const h = await startCloud({ options: { name: 'bitbucket-legacy' } });
    close = h.close;
    expect(h.strategy.name).toBe('bitbucket-legacy');
    const { callback } = await login(h.app.agent());
    expect(callback?.body.user).toEqual({ id: JANE.uuid, email: 'jane@example.com' });
  });

  it('signatureMethod: PLAINTEXT signs with the encoded secrets joined by "&"', async () => {
    const h = await startCloud({ options: { signatureMethod: 'PLAINTEXT' } });
    close = h.close;
    const { callback } = await login(h.app.agent());
    expect(callback?.status).toBe(200);
    expect(oauthParamsOf(callsTo(h.bitbucket, 'requestToken')[0])).toMatchObject({
      oauth_signature_method: 'PLAINTEXT',
      oauth_signature: `${DEFAULT_CLIENT.clientSecret}&`,
    });
    expect(oauthParamsOf(callsTo(h.bitbucket, 'user')[0]).oauth_signature).toBe(
      `${DEFAULT_CLIENT.clientSecret}&${h.verified[0]!.tokenSecret}`,
    );
  });

  it('without a callbackURL refuses to start: Bitbucket would strand the user on an out-of-band page', async () => {
    await expect(startCloud({ options: { callbackURL: undefined } })).rejects.toThrow(
      'BitbucketStrategy requires a callbackURL option',
    );
  });
});

describe("a subclass adding request-token parameters (passport-oauth1's requestTokenParams hook)", () => {
  it('sends them in the signed form body, and leaves out the ones that are undefined', async () => {
    class WithAccessType extends BitbucketStrategy {
      requestTokenParams(options: { accessType?: string }): Record<string, string | undefined> {
        return { x_app: 'tests & more', x_auth_access_type: options.accessType };
      }
    }
    const bitbucket = await createMockBitbucket({ autoApprove: true });
    await reserveAppURL();
    const app = await startApp(
      new WithAccessType(cloudOptions(bitbucket), (_t, _s, profile, done) => done(null, { id: profile.id })),
    );
    try {
      const { callback } = await login(app.agent());
      expect(callback?.body.user).toEqual({ id: JANE.uuid });
      const call = callsTo(bitbucket, 'requestToken')[0];
      expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(call?.body).toBe('x_app=tests+%26+more');
      expect(Object.keys(oauthParamsOf(call))).not.toContain('x_app');
    } finally {
      await app.close();
      await bitbucket.close();
    }
  });
});

/** A pass-through HTTP proxy in front of the mock that records what it forwards. */
async function startRecordingProxy(target: string): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('BitbucketStrategy endpoint overrides', () => {
  it('sends each call to the URL its option names', async () => {
    const bitbucket = await createMockBitbucket({ autoApprove: true });
    const proxy = await startRecordingProxy(bitbucket.url);
    // The mock checks signatures against its own URL, never the Host header: tell it about the proxy.
    bitbucket.addOrigin(proxy.url);
    const at = (path: string): string => `${proxy.url}${path}`;
    await reserveAppURL();
    const strategy = new BitbucketStrategy(
      cloudOptions(bitbucket, {
        requestTokenURL: at('/api/1.0/oauth/request_token/'),
        userAuthorizationURL: at('/api/1.0/oauth/authenticate/'),
        accessTokenURL: at('/api/1.0/oauth/access_token/'),
        userProfileURL: at('/2.0/user'),
        userEmailsURL: at('/2.0/user/emails?pagelen=5'),
      }),
      (_token, _tokenSecret, profile, done) =>
        done(null, { id: profile.id, emails: profile.emails.map((e) => e.value) }),
    );
    const app = await startApp(strategy);
    try {
      const { start, callback } = await login(app.agent());
      expect(String(start.headers.location)).toMatch(
        new RegExp(`^${at('/api/1.0/oauth/authenticate/')}\\?oauth_token=[\\w-]+$`),
      );
      expect(callback?.body.user).toEqual({ id: JANE.uuid, emails: ['jane@example.com', 'jane.doe@work.example.com'] });
      expect(proxy.seen.slice(0, 3)).toEqual([
        'POST /api/1.0/oauth/request_token/',
        `GET /api/1.0/oauth/authenticate/?oauth_token=${new URL(String(start.headers.location)).searchParams.get('oauth_token')}`,
        'POST /api/1.0/oauth/access_token/',
      ]);
      // The query of an overridden URL is kept, and signed.
      expect(proxy.seen.slice(3).sort()).toEqual(['GET /2.0/user', 'GET /2.0/user/emails?pagelen=5']);
      expect(bitbucket.requests).toHaveLength(proxy.seen.length);
    } finally {
      await app.close();
      await proxy.close();
      await bitbucket.close();
    }
  });
});
