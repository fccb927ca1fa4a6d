/**
 * Issue 15: with `DEBUG=passport-bitbucket-oauth*` and a subscriber on every channel, every flow of the suite
 * (success, denial, every fault of the mock on every endpoint, refresh, replay, OAuth 1.0a, Data Center) runs
 * over real HTTP; then every log line and every message, walked deeply, is searched for every secret the
 * mock issued or was sent: none may appear.
 */
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT, type MockEndpoint, type MockFault } from 'passport-bitbucket-oauth/testing';
import { guardProcess } from '../support/process-guard';
import { captureChannels, captureDebug, captureResponses, eventsOf } from './capture';
import { journey, RSA, startRig, type Rig, type RigKind } from './rig';
import {
  addSecret,
  hits,
  secretsFromBody,
  secretsFromLocation,
  secretsFromRequests,
  textsIn,
  type Secrets,
} from './secrets';

guardProcess();
const lines = captureDebug();
const events = captureChannels();
const answers = captureResponses();
const secrets: Secrets = new Map();
const locations: string[] = [];

/** One sample of every fault the mock knows (a new kind fails to compile here until it gets one). */
const FAULTS: Record<MockFault['kind'], MockFault> = {
  deny: { kind: 'deny' },
  status: { kind: 'status', status: 500 },
  json: { kind: 'json', status: 400, body: { error: 'invalid_request', error_description: 'Bad request' } },
  badJson: { kind: 'badJson' },
  hang: { kind: 'hang' },
  delay: { kind: 'delay', ms: 5 },
  drip: { kind: 'drip', intervalMs: 40 },
  huge: { kind: 'huge', bytes: 70_000 },
  redirect: { kind: 'redirect', location: 'http://127.0.0.1:9/elsewhere' },
  reset: { kind: 'reset' },
  emptyBody: { kind: 'emptyBody' },
  rateLimit: { kind: 'rateLimit', retryAfterSeconds: 30 },
  anonymous: { kind: 'anonymous' },
};

/** The server-to-server endpoints of each way to sign in, and the one that shows the consent page. */
const ENDPOINTS: Record<RigKind, { calls: MockEndpoint[]; consent: MockEndpoint }> = {
  'oauth2-cloud': { calls: ['token', 'user', 'emails', 'workspaces'], consent: 'authorize' },
  'oauth2-datacenter': { calls: ['token', 'whoami', 'dcUser'], consent: 'authorize' },
  'oauth1-cloud': {
    calls: ['requestToken', 'accessToken', 'user', 'emails', 'workspaces'],
    consent: 'oauth1Authorize',
  },
  'oauth1-datacenter': { calls: ['requestToken', 'accessToken', 'whoami', 'dcUser'], consent: 'oauth1Authorize' },
};

/** Runs a sign-in and keeps the redirects' secrets. */
async function signIn(rig: Rig, agent = rig.app.agent()): Promise<Awaited<ReturnType<typeof journey>>> {
  const run = await journey(rig, agent);
  locations.push(...run.locations);
  return run;
}

describe.each(Object.keys(ENDPOINTS) as RigKind[])('%s', (kind) => {
  let rig: Rig;
  beforeAll(async () => {
    // Cloud also reads the user's workspaces, so that their endpoint's faults run too.
    rig = await startRig(kind, kind.endsWith('cloud') ? { options: { readWorkspaces: true } } : {});
  });
  afterAll(async () => {
    secretsFromRequests(secrets, rig.mock.requests);
    for (const value of rig.received) addSecret(secrets, `${kind} token the verify callback received`, value);
    await rig.close();
  });
  afterEach(() => rig.mock.clearFaults());

  it('signs in, then a replayed callback fails', async () => {
    const agent = rig.app.agent();
    const run = await signIn(rig, agent);
    expect(run.last.status).toBe(200);
    if (run.callbackPath === null) throw new Error('Bitbucket did not send the browser back');
    expect((await agent.get(run.callbackPath)).status).toBe(302);
  });

  it('fails when the user denies access', async () => {
    rig.mock.setFault(ENDPOINTS[kind].consent, FAULTS.deny);
    expect((await signIn(rig)).last.status).toBe(302);
  });

  it.each(ENDPOINTS[kind].calls)('ends cleanly with every fault of %s', async (endpoint) => {
    for (const fault of Object.values(FAULTS)) {
      rig.mock.setFault(endpoint, fault);
      const run = await signIn(rig);
      expect([200, 302, 500]).toContain(run.last.status);
    }
  });

  if (kind.startsWith('oauth2')) {
    it('refreshes, and a rotated refresh token is refused', async () => {
      await signIn(rig);
      const strategy = rig.strategy as BitbucketOAuth2Strategy;
      const refreshToken = rig.received[rig.received.length - 1] ?? '';
      const refreshed = await strategy.refresh(refreshToken);
      rig.received.push(refreshed.accessToken, refreshed.refreshToken);
      await expect(strategy.refresh(refreshToken)).rejects.toThrow();
    });
  }
});

describe('every log line and every message', () => {
  beforeAll(() => {
    addSecret(secrets, 'client secret', DEFAULT_CLIENT.clientSecret);
    for (const line of RSA.privateKey.split('\n').filter((l) => l.length >= 40))
      addSecret(secrets, 'private key', line);
    for (const location of locations) secretsFromLocation(secrets, location);
    for (const { body } of answers) secretsFromBody(secrets, body);
  });

  it('were produced: each namespace logged and each channel published', () => {
    for (const ns of ['oauth2', 'oauth1', 'api']) {
      expect(lines.some((line) => line.includes(`passport-bitbucket-oauth:${ns} `))).toBe(true);
    }
    for (const channel of ['token', 'api', 'login'] as const)
      expect(eventsOf(events, channel).length).toBeGreaterThan(0);
    expect(eventsOf(events, 'token', 'error').length).toBeGreaterThan(0);
    expect(eventsOf(events, 'api', 'error').length).toBeGreaterThan(0);
  });

  it('were checked against every kind of secret the mock issued or was sent', () => {
    const kinds = [...new Set(secrets.values())].join('\n');
    for (const kind of [
      'access_token (JSON answer)',
      'refresh_token (JSON answer)',
      'code (redirect)',
      'state (redirect)',
      'code_verifier',
      'oauth_token_secret (form answer)',
      'oauth_verifier (redirect)',
      'oauth_signature (OAuth header)',
      'client secret',
      'private key',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('carry none of them', () => {
    const texts = [...lines, ...events.flatMap((e) => [...textsIn(e.message), ...textsIn(e.snapshot)])];
    expect(hits(texts, secrets)).toEqual([]);
  });

  it('would be caught carrying one (the scanner itself works)', () => {
    const [secret] = [...secrets.keys()];
    expect(hits([`a line with ${secret ?? 'nothing'} in it`], secrets)).toHaveLength(1);
    const deep = { deep: [{ error: new Error('x', { cause: new Error(`y ${secret ?? ''}`) }) }] };
    expect(hits(textsIn(deep), secrets)).not.toEqual([]);
  });
});
