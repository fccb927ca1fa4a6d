/**
 * Behaviours added after the hostile-input review: what an echoing token endpoint must not leak,
 * emails read before a 403 are kept, and Data Center names in mixed case still find their user.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BitbucketOAuth2Strategy, TokenError, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT, DEFAULT_USERS } from 'passport-bitbucket-oauth/testing';
import { login, pathOf } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { CLIENT_SECRET, cloudOptions, dataCenterOptions, useHarness } from './helpers';

guardProcess();

/** A free port picked before the strategies are built (they take their URLs at construction). */
const EMAILS_PORT = { value: 0 };
beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  EMAILS_PORT.value = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

describe('a token endpoint that echoes what it was sent', () => {
  const harness = useHarness(
    (mock) => new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, p, done) => done(null, { id: p.id })),
  );

  it('never lets the client secret or the code reach the TokenError, the 500 page or toString()', async () => {
    const { mock, app } = harness();
    const agent = app.agent();
    const start = await agent.get('/login');
    const back = await fetch(String(start.headers.location), { redirect: 'manual' });
    const code = new URL(back.headers.get('location') ?? '').searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const basic = Buffer.from(`${DEFAULT_CLIENT.clientId}:${CLIENT_SECRET}`).toString('base64');
    mock.setFault('token', {
      kind: 'json',
      status: 400,
      body: {
        error: 'invalid_client',
        error_description: `bad secret ${CLIENT_SECRET} for code ${code} (Basic ${basic})`,
      },
    });
    const callback = await agent.get(pathOf(back.headers.get('location') ?? ''));
    expect(callback.status).toBe(500);
    const err = app.errors[0] as TokenError;
    expect(err).toBeInstanceOf(TokenError);
    expect(err.code).toBe('invalid_client');
    expect(err.message).toBe('bad secret [REDACTED] for code [REDACTED] (Basic [REDACTED])');
    for (const text of [err.message, String(err), callback.text]) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(code);
      expect(text).not.toContain(basic);
    }
  });
});

describe('emails that fail with 403 after the first page', () => {
  let api: Server;
  let apiURL = '';
  let profile: BitbucketProfile | undefined;
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        // The user comes from the mock; the emails from a Bitbucket whose second page is forbidden
        // (e.g. the consumer's email permission was revoked while the login was under way).
        cloudOptions(mock, { userEmailsURL: `http://127.0.0.1:${EMAILS_PORT.value}/2.0/user/emails` }),
        (_a, _r, p, done) => {
          profile = p;
          done(null, { id: p.id });
        },
      ),
  );

  beforeAll(async () => {
    api = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/2.0/user/emails?pagelen=100') {
        const first = { email: 'first@example.com', is_primary: false, is_confirmed: true };
        res.end(JSON.stringify({ values: [first], next: `${apiURL}/2.0/user/emails?page=2` }));
        return;
      }
      res.statusCode = 403;
      const message = 'Your credentials lack one or more required privilege scopes.';
      res.end(
        JSON.stringify({ type: 'error', error: { message, detail: { required: ['email'], granted: ['account'] } } }),
      );
    });
    await new Promise<void>((resolve) => api.listen(EMAILS_PORT.value, '127.0.0.1', resolve));
    apiURL = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

  it('keeps the addresses already read and says why the rest is missing', async () => {
    const { app } = harness();
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(200);
    expect(profile?.emails).toEqual([{ value: 'first@example.com', primary: false, verified: true }]);
    expect(profile?.emailsError).toEqual({
      status: 403,
      message: 'Your credentials lack one or more required privilege scopes.',
      required: ['email'],
      granted: ['account'],
    });
    expect(app.errors).toEqual([]);
  });
});

describe('a Data Center user whose name has capitals (slug is lower case)', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(dataCenterOptions(mock), (_a, _r, profile, done) =>
        done(null, { id: profile.id, username: profile.username }),
      ),
    { mock: { users: [{ ...DEFAULT_USERS[0]!, username: 'JDoe', dc: { id: 7, name: 'JDoe', slug: 'jdoe' } }] } },
  );

  it('is found by the lower-case slug after users/{name} answers 404, and signed in', async () => {
    const { mock, app } = harness();
    const { callback } = await login(app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: '7', username: 'JDoe' });
    const paths = mock.requests.filter((r) => r.path.includes('/rest/api/latest/users/')).map((r) => r.path);
    expect(paths).toEqual(['/rest/api/latest/users/JDoe', '/rest/api/latest/users/jdoe']);
  });
});
