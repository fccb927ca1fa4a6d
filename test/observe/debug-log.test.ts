/**
 * Issue 15: `DEBUG=passport-bitbucket-oauth*` tells each sign-in step by step, so that a failed login can be
 * explained from the lines alone (the README's troubleshooting transcript is one of these runs).
 */
import createDebug from 'debug';
import { DEFAULT_USERS } from 'passport-bitbucket-oauth/testing';
import { guardProcess } from '../support/process-guard';
import { captureDebug } from './capture';
import { journey, startRig, type Rig } from './rig';

guardProcess();
const lines = captureDebug();
beforeEach(() => lines.splice(0));

const JANE_UUID = '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}';

/** `namespace text` of each line, colours and time stamps taken off (they depend on the terminal). */
function logged(): string[] {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes, when the test runs in a terminal
  const plain = lines.map((line) => line.replace(/\u001b\[[\d;]*m/g, ''));
  return plain.map((line) => /passport-bitbucket-oauth:\w+ .*?(?= \+\d+m?s$|$)/.exec(line)?.[0] ?? line);
}

/** Expects each pattern to match a line, in this order (other lines may come between). */
function expectInOrder(patterns: RegExp[]): void {
  const seen = logged();
  let at = 0;
  for (const pattern of patterns) {
    const found = seen.findIndex((line, i) => i >= at && pattern.test(line));
    if (found < 0) throw new Error(`no line matches ${String(pattern)} after line ${at} in:\n${seen.join('\n')}`);
    at = found + 1;
  }
}

/** A regular expression matching `text` literally, with `<ms>` standing for a duration and `<any>` for anything. */
function line(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/<ms>/g, '[\\d.]+').replace(/<any>/g, '.*')}$`);
}

describe('OAuth 2.0 on Bitbucket Cloud', () => {
  let rig: Rig;
  let mock: string;
  beforeAll(async () => {
    rig = await startRig('oauth2-cloud');
    mock = rig.mock.url;
  });
  afterAll(() => rig.close());
  afterEach(() => rig.mock.clearFaults());

  it('tells a successful sign-in step by step', async () => {
    await journey(rig);
    expectInOrder([
      line(
        `passport-bitbucket-oauth:oauth2 redirect to ${mock}/site/oauth2/authorize; scopes: the consumer's; PKCE: S256; ` +
          `redirect_uri: ${rig.app.url}/callback; pending logins in the session: 1`,
      ),
      line('passport-bitbucket-oauth:oauth2 callback: parameters code, state'),
      line('passport-bitbucket-oauth:oauth2 callback accepted: the state matched<any>'),
      line(
        `passport-bitbucket-oauth:oauth2 token authorization_code ${mock}/site/oauth2/access_token: 200 in <ms> ms, ` +
          'granted "account email", expires in 7200 s, refresh token: yes',
      ),
      line(`passport-bitbucket-oauth:oauth2 profile ${JANE_UUID} (cloud): 2 emails`),
      line(`passport-bitbucket-oauth:oauth2 login succeeded in <ms> ms: profile ${JANE_UUID}`),
    ]);
    for (const path of ['/2.0/user', '/2.0/user/emails']) {
      expect(logged()).toContainEqual(
        expect.stringMatching(line(`passport-bitbucket-oauth:api GET ${mock}${path}: 200 in <ms> ms`)),
      );
    }
  });

  it('explains a token exchange Bitbucket refused with its own words', async () => {
    rig.mock.setFault('token', {
      kind: 'json',
      status: 400,
      body: { error: 'invalid_request', error_description: 'No callback uri defined for the OAuth client.' },
    });
    await journey(rig);
    expectInOrder([
      line(
        `passport-bitbucket-oauth:oauth2 token authorization_code ${mock}/site/oauth2/access_token: failed in <ms> ms: ` +
          'TokenEndpointFailure (HTTP 400): The token endpoint answered 400 <any>No callback uri defined for the OAuth client.<any>',
      ),
      line(
        'passport-bitbucket-oauth:oauth2 login error in <ms> ms: TokenError invalid_request (HTTP 400): ' +
          'No callback uri defined for the OAuth client.',
      ),
    ]);
  });

  it('tells a denial: which parameters came back, and what the user is shown', async () => {
    rig.mock.setFault('authorize', { kind: 'deny' });
    await journey(rig);
    expectInOrder([
      line('passport-bitbucket-oauth:oauth2 callback: parameters error<any>'),
      line(
        'passport-bitbucket-oauth:oauth2 login failed (403) in <ms> ms: You did not allow access to your Bitbucket account.',
      ),
    ]);
    expect(logged().some((l) => l.includes(' token '))).toBe(false);
  });

  it('tells an API call that failed, and the outcome it caused', async () => {
    rig.mock.setFault('emails', { kind: 'reset' });
    await journey(rig);
    expect(logged()).toContainEqual(
      expect.stringMatching(
        line(
          `passport-bitbucket-oauth:api GET ${mock}/2.0/user/emails: failed in <ms> ms: BitbucketAPIError network<any>`,
        ),
      ),
    );
    expect(logged()).toContainEqual(
      expect.stringMatching(
        line('passport-bitbucket-oauth:oauth2 login error in <ms> ms: BitbucketAPIError network<any>'),
      ),
    );
  });

  it('says when the emails could not be read, and why', async () => {
    rig.mock.setFault('emails', { kind: 'deny' });
    await journey(rig);
    expectInOrder([
      line(`passport-bitbucket-oauth:oauth2 profile ${JANE_UUID} (cloud): 0 emails (emails not read: <any>)`),
      line(`passport-bitbucket-oauth:oauth2 login succeeded in <ms> ms: profile ${JANE_UUID}`),
    ]);
  });

  it('says when the token came without a refresh token', async () => {
    rig.mock.setFault('token', {
      kind: 'json',
      body: { access_token: 'opaque', token_type: 'bearer', scope: 'account' },
    });
    await journey(rig);
    expect(logged()).toContainEqual(
      expect.stringMatching(
        line(
          `passport-bitbucket-oauth:oauth2 token authorization_code <any>: 200 in <ms> ms, granted "account", refresh token: no`,
        ),
      ),
    );
  });

  it('writes nothing when DEBUG does not name the package', async () => {
    createDebug.disable();
    try {
      await journey(rig);
    } finally {
      createDebug.enable('passport-bitbucket-oauth*');
    }
    expect(lines).toEqual([]);
  });
});

describe('OAuth 1.0a on Bitbucket Cloud', () => {
  let rig: Rig;
  let mock: string;
  beforeAll(async () => {
    rig = await startRig('oauth1-cloud');
    mock = rig.mock.url;
  });
  afterAll(() => rig.close());
  afterEach(() => rig.mock.clearFaults());

  it('tells a successful sign-in: request token, redirect, callback, access token, profile, outcome', async () => {
    await journey(rig);
    expectInOrder([
      line(`passport-bitbucket-oauth:oauth1 token request_token ${mock}/api/1.0/oauth/request_token/: 200 in <ms> ms`),
      line(
        `passport-bitbucket-oauth:oauth1 redirect to ${mock}/api/1.0/oauth/authenticate/; pending logins in the session: 1`,
      ),
      line('passport-bitbucket-oauth:oauth1 callback: parameters oauth_token, oauth_verifier'),
      line('passport-bitbucket-oauth:oauth1 callback accepted: the request token matched<any>'),
      line(`passport-bitbucket-oauth:oauth1 token access_token ${mock}/api/1.0/oauth/access_token/: 200 in <ms> ms`),
      line(`passport-bitbucket-oauth:oauth1 profile ${JANE_UUID} (cloud): 2 emails`),
      line(`passport-bitbucket-oauth:oauth1 login succeeded in <ms> ms: profile ${JANE_UUID}`),
    ]);
  });

  it('tells a sign-in that could not start because the request token was refused', async () => {
    rig.mock.setFault('requestToken', { kind: 'status', status: 503 });
    await journey(rig);
    expectInOrder([
      line(
        `passport-bitbucket-oauth:oauth1 token request_token ${mock}/api/1.0/oauth/request_token/: failed in <ms> ms: ` +
          'TokenEndpointFailure (HTTP 503)<any>',
      ),
      line('passport-bitbucket-oauth:oauth1 sign-in could not start: InternalOAuthError (HTTP 503)<any>'),
    ]);
  });
});

describe('OAuth 2.0 on Bitbucket Data Center', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth2-datacenter');
  });
  afterAll(() => rig.close());

  it('says datacenter in the profile line and logs whoami and the user resource', async () => {
    await journey(rig);
    const mock = rig.mock.url;
    expectInOrder([
      line(
        `passport-bitbucket-oauth:oauth2 redirect to ${mock}/rest/oauth2/latest/authorize; scopes: "PUBLIC_REPOS"; ` +
          'PKCE: S256<any>',
      ),
      line(`passport-bitbucket-oauth:api GET ${mock}/plugins/servlet/applinks/whoami: 200 in <ms> ms`),
      line(`passport-bitbucket-oauth:api GET ${mock}/rest/api/latest/users/jdoe: 200 in <ms> ms`),
      line('passport-bitbucket-oauth:oauth2 profile <any> (datacenter): 1 email'),
      line('passport-bitbucket-oauth:oauth2 login succeeded in <ms> ms: profile <any>'),
    ]);
  });
});

describe('OAuth 2.0 on Cloud without state, PKCE or callbackURL', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth2-cloud', { options: { state: false, pkce: undefined, callbackURL: undefined } });
  });
  afterAll(() => rig.close());

  it('says so in the redirect line: no pending logins kept, the consumer decides where to come back', async () => {
    await rig.app.agent().get('/login');
    expect(logged()).toEqual([
      `passport-bitbucket-oauth:oauth2 redirect to ${rig.mock.url}/site/oauth2/authorize; scopes: the consumer's; ` +
        "PKCE: off; redirect_uri: the consumer's callback URL",
    ]);
  });
});

describe.each([
  ['skips the profile', { options: { skipUserProfile: true } }, 'login succeeded in <ms> ms: profile (not read)'],
  ['refuses the user', { verify: 'refuse' }, 'login failed (401) in <ms> ms: Not a member of this app'],
  ['refuses the user without a word', { verify: 'refuse-quietly' }, 'login failed (401) in <ms> ms: (no message)'],
  ['fails with a string', { verify: 'fail' }, 'login error in <ms> ms: string (not an Error)'],
] as const)('a verify callback that %s', (_what, rigOptions, outcome) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth2-cloud', rigOptions);
  });
  afterAll(() => rig.close());

  it('ends with that outcome', async () => {
    await journey(rig);
    expect(logged()).toContainEqual(expect.stringMatching(line(`passport-bitbucket-oauth:oauth2 ${outcome}`)));
  });
});

describe('a list of more than one page', () => {
  let rig: Rig;
  beforeAll(async () => {
    const emails = Array.from({ length: 101 }, (_, i) => ({
      email: `u${i}@example.com`,
      primary: i === 0,
      confirmed: true,
    }));
    rig = await startRig('oauth2-cloud', {
      mock: { users: [{ ...DEFAULT_USERS[0]!, emails }] },
      options: { readWorkspaces: true },
    });
  });
  afterAll(() => rig.close());

  it('names the page of each call past the first, and the profile line counts emails and workspaces', async () => {
    await journey(rig);
    const mock = rig.mock.url;
    expect(logged()).toContainEqual(
      expect.stringMatching(line(`passport-bitbucket-oauth:api GET ${mock}/2.0/user/emails (page 2): 200 in <ms> ms`)),
    );
    expect(logged()).toContainEqual(
      expect.stringMatching(
        line(`passport-bitbucket-oauth:oauth2 profile ${JANE_UUID} (cloud): 101 emails, <any> workspaces`),
      ),
    );
  });
});
