/**
 * Issue 15: the three diagnostics channels, as a subscriber (an APM agent, OpenTelemetry) sees them during
 * real sign-ins against the mock Bitbucket.
 */
import { BitbucketAPIError, type BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { DEFAULT_USERS, type MockEmail } from 'passport-bitbucket-oauth/testing';
import { guardProcess } from '../support/process-guard';
import { captureChannels, eventsOf, type ChannelEvent } from './capture';
import { journey, startRig, type Rig } from './rig';

guardProcess();
const events = captureChannels();
beforeEach(() => events.splice(0));

const JANE = DEFAULT_USERS[0]!;

/** The final context of every call of a tracing channel (the object its `asyncEnd` or `error` carried). */
function calls(channel: 'token' | 'api'): Record<string, unknown>[] {
  return [...new Set(eventsOf(events, channel, 'start').map((e) => e.message))];
}

/** The login channel's messages. */
function logins(): ChannelEvent['message'][] {
  return eventsOf(events, 'login').map((e) => e.message);
}

describe('OAuth 2.0 on Bitbucket Cloud', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth2-cloud');
  });
  afterAll(() => rig.close());
  afterEach(() => rig.mock.clearFaults());

  it('traces the token request with its grant and endpoint, and what was granted without the tokens', async () => {
    await journey(rig);
    expect(calls('token')).toEqual([
      {
        strategy: 'bitbucket-oauth2',
        deployment: 'cloud',
        grant: 'authorization_code',
        endpoint: `${rig.mock.url}/site/oauth2/access_token`,
        status: 200,
        result: { status: 200, scopes: ['account', 'email'], expiresIn: 7200, refreshToken: true },
      },
    ]);
    const [call] = calls('token');
    expect(eventsOf(events, 'token').map((e) => [e.event, e.message === call])).toEqual([
      ['start', true],
      ['end', true],
      ['asyncStart', true],
      ['asyncEnd', true],
    ]);
  });

  it('traces each REST call with its endpoint, page and status', async () => {
    await journey(rig);
    const seen = calls('api').map((c) => ({ ...c }));
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(
      expect.arrayContaining([
        {
          strategy: 'bitbucket-oauth2',
          deployment: 'cloud',
          endpoint: `${rig.mock.url}/2.0/user`,
          page: 1,
          status: 200,
          result: { status: 200 },
        },
        {
          strategy: 'bitbucket-oauth2',
          deployment: 'cloud',
          endpoint: `${rig.mock.url}/2.0/user/emails`,
          page: 1,
          status: 200,
          result: { status: 200 },
        },
      ]),
    );
  });

  it('publishes one login message for the callback and none for the redirect', async () => {
    await journey(rig);
    expect(logins()).toEqual([
      {
        strategy: 'bitbucket-oauth2',
        deployment: 'cloud',
        outcome: 'success',
        reason: null,
        errorName: null,
        status: null,
        durationMs: expect.any(Number) as number,
        profileId: JANE.uuid,
      },
    ]);
  });

  it('reports a denial as a fail with the message the user sees', async () => {
    rig.mock.setFault('authorize', { kind: 'deny' });
    await journey(rig);
    expect(logins()).toEqual([
      expect.objectContaining({
        outcome: 'fail',
        reason: 'You did not allow access to your Bitbucket account.',
        errorName: null,
        status: 403,
        profileId: null,
      }),
    ]);
    expect(calls('token')).toEqual([]);
  });

  it('reports a token endpoint outage: the error event, then an error outcome with the status', async () => {
    rig.mock.setFault('token', { kind: 'status', status: 502 });
    await journey(rig);
    const [call] = calls('token');
    expect(call).toMatchObject({ grant: 'authorization_code', status: 502, error: { statusCode: 502 } });
    expect(eventsOf(events, 'token', 'error')).toHaveLength(1);
    expect(logins()).toEqual([
      expect.objectContaining({ outcome: 'error', errorName: 'InternalOAuthError', reason: null, status: 502 }),
    ]);
  });

  it('reports a REST call that never answers: the api error event carries the timeout, the outcome names it', async () => {
    rig.mock.setFault('user', { kind: 'hang' });
    await journey(rig);
    const user = calls('api').find((c) => c.endpoint === `${rig.mock.url}/2.0/user`);
    expect(user?.status).toBeUndefined();
    expect(user?.error).toBeInstanceOf(BitbucketAPIError);
    expect(user?.error).toMatchObject({ code: 'timeout' });
    expect(logins()).toEqual([
      expect.objectContaining({ outcome: 'error', errorName: 'BitbucketAPIError', reason: 'timeout', status: null }),
    ]);
  });

  it('reports the read stopped because another failed first as cancelled, not as a network failure', async () => {
    rig.mock.setFault('user', { kind: 'delay', ms: 200 });
    rig.mock.setFault('emails', { kind: 'status', status: 500 });
    await journey(rig);
    const user = calls('api').find((c) => c.endpoint === `${rig.mock.url}/2.0/user`);
    expect(user?.error).toMatchObject({ code: 'cancelled' });
    expect(logins()).toEqual([
      expect.objectContaining({ outcome: 'error', errorName: 'BitbucketAPIError', reason: 'http', status: 500 }),
    ]);
  });

  it('reports an error status from the API as an answer with its status, and the outcome with it', async () => {
    rig.mock.setFault('user', { kind: 'status', status: 500 });
    await journey(rig);
    expect(calls('api').find((c) => c.endpoint === `${rig.mock.url}/2.0/user`)).toMatchObject({
      status: 500,
      result: { status: 500 },
    });
    expect(logins()).toEqual([
      expect.objectContaining({ outcome: 'error', errorName: 'BitbucketAPIError', reason: 'http', status: 500 }),
    ]);
  });

  it('publishes one message for a replayed callback: a fail, without asking Bitbucket', async () => {
    const agent = rig.app.agent();
    const { callbackPath } = await journey(rig, agent);
    events.splice(0);
    await agent.get(callbackPath ?? '/callback');
    expect(logins()).toEqual([expect.objectContaining({ outcome: 'fail', errorName: null, profileId: null })]);
    expect(calls('token')).toEqual([]);
  });

  it('traces a refresh (grant refresh_token), which is no login', async () => {
    await journey(rig);
    events.splice(0);
    await (rig.strategy as BitbucketOAuth2Strategy).refresh(rig.received[rig.received.length - 1] ?? '');
    expect(calls('token')).toEqual([
      expect.objectContaining({ strategy: 'bitbucket-oauth2', grant: 'refresh_token', status: 200 }),
    ]);
    expect(logins()).toEqual([]);
  });
});

describe('the page of a paginated list', () => {
  const emails: MockEmail[] = Array.from({ length: 101 }, (_, i) => ({
    email: `jane${i}@example.com`,
    primary: i === 0,
    confirmed: true,
  }));
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth2-cloud', { mock: { users: [{ ...JANE, emails }] } });
  });
  afterAll(() => rig.close());

  it('is in the api context of each page read', async () => {
    await journey(rig);
    const pages = calls('api')
      .filter((c) => c.endpoint === `${rig.mock.url}/2.0/user/emails`)
      .map((c) => c.page);
    expect(pages).toEqual([1, 2]);
  });
});

describe('OAuth 1.0a on Bitbucket Cloud', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth1-cloud');
  });
  afterAll(() => rig.close());

  it('traces the request-token and access-token requests, and publishes the outcome', async () => {
    await journey(rig);
    expect(calls('token')).toEqual([
      expect.objectContaining({
        strategy: 'bitbucket',
        deployment: 'cloud',
        grant: 'request_token',
        endpoint: `${rig.mock.url}/api/1.0/oauth/request_token/`,
        status: 200,
      }),
      expect.objectContaining({
        strategy: 'bitbucket',
        grant: 'access_token',
        endpoint: `${rig.mock.url}/api/1.0/oauth/access_token/`,
        result: { status: 200, scopes: [], expiresIn: null, refreshToken: false },
      }),
    ]);
    expect(logins()).toEqual([
      expect.objectContaining({ strategy: 'bitbucket', deployment: 'cloud', outcome: 'success', profileId: JANE.uuid }),
    ]);
  });
});

describe.each(['oauth2-datacenter', 'oauth1-datacenter'] as const)('%s', (kind) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(kind);
  });
  afterAll(() => rig.close());

  it('says datacenter in every context and message, and traces whoami then the user', async () => {
    await journey(rig);
    for (const call of [...calls('token'), ...calls('api'), ...logins()]) {
      expect(call.deployment).toBe('datacenter');
    }
    expect(calls('api').map((c) => new URL(String(c.endpoint)).pathname)).toEqual([
      '/plugins/servlet/applinks/whoami',
      `/rest/api/latest/users/${JANE.dc?.slug ?? 'jdoe'}`,
    ]);
    expect(logins()).toEqual([expect.objectContaining({ outcome: 'success' })]);
  });
});

describe.each([
  ['refuses the user', 'refuse', { outcome: 'fail', reason: 'Not a member of this app', errorName: null, status: 401 }],
  ['fails with a string', 'fail', { outcome: 'error', reason: null, errorName: 'string (not an Error)', status: null }],
] as const)('a verify callback that %s', (_what, verify, expected) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('oauth2-cloud', { verify });
  });
  afterAll(() => rig.close());

  it('is the outcome, with the profile that was read', async () => {
    await journey(rig);
    expect(logins()).toEqual([expect.objectContaining({ ...expected, profileId: JANE.uuid })]);
  });
});
