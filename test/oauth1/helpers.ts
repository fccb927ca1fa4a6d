/**
 * Shared pieces of the OAuth 1.0a tests: a BitbucketStrategy pointed at the mock Bitbucket, the
 * browser steps that the full-redirect helpers in ../support/flow.ts do not split apart, and readers
 * for what the mock received.
 */
import { BitbucketStrategy, type BitbucketProfile, type BitbucketStrategyOptions } from 'passport-bitbucket-oauth';
import {
  createMockBitbucket,
  DEFAULT_CLIENT,
  type MockBitbucket,
  type MockBitbucketOptions,
  type MockEndpoint,
  type MockRequestRecord,
} from 'passport-bitbucket-oauth/testing';
import request from 'supertest';
import { parseAuthorizationHeader } from '../../lib/oauth1/signature-check';
import { appCallbackURL, reserveAppURL, startApp, type TestApp, type TestAppOptions } from '../support/app';
import { pathOf } from '../support/flow';

/** On Bitbucket Cloud one consumer's Key and Secret serve both OAuth 2.0 and OAuth 1.0a. */
export const CONSUMER = { consumerKey: DEFAULT_CLIENT.clientId, consumerSecret: DEFAULT_CLIENT.clientSecret } as const;

/** Jane Doe, the mock's default signed-in user (lib/testing/users.ts). */
export const JANE = {
  uuid: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}',
  accountId: '5c65cab48bcc9e016aeece31',
} as const;

/** Options of a strategy on the mock's Cloud OAuth 1.0a endpoints, with a relative callback. */
export function cloudOptions(
  bitbucket: MockBitbucket,
  extra: Partial<BitbucketStrategyOptions> = {},
): BitbucketStrategyOptions {
  return { ...bitbucket.oauth1Endpoints(), ...CONSUMER, callbackURL: appCallbackURL(), ...extra };
}

/** What the verify callback was given, one entry per call. */
export interface VerifyCall {
  token: string;
  tokenSecret: string;
  /** `undefined` when the profile was skipped (`skipUserProfile`). */
  profile: BitbucketProfile | undefined;
}

/** The requests the mock routed to one endpoint. */
export function callsTo(bitbucket: MockBitbucket, endpoint: MockEndpoint): MockRequestRecord[] {
  return bitbucket.requests.filter((r) => r.endpoint === endpoint);
}

/** The `Authorization: OAuth …` parameters of a recorded request (empty when it had none). */
export function oauthParamsOf(record: MockRequestRecord | undefined): Record<string, string> {
  const header = record?.headers.authorization;
  return Object.fromEntries(parseAuthorizationHeader(typeof header === 'string' ? header : undefined) ?? []);
}

/**
 * Starts a login in one browser and lets Bitbucket approve it, but does not go back to the app:
 * returns the callback (path and query) Bitbucket sent the browser to. `mockUser` picks who approves.
 */
export async function approveWithoutReturning(agent: request.Agent, mockUser?: string): Promise<string> {
  const start = await agent.get('/login');
  expect(start.status).toBe(302);
  const authorize = await request(String(start.headers.location))
    .get('')
    .set(mockUser === undefined ? {} : { 'x-mock-user': mockUser });
  expect(authorize.status).toBe(302);
  return pathOf(String(authorize.headers.location));
}

/** Milliseconds taken by `run`. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

/** A mock Bitbucket Cloud and an app around one BitbucketStrategy pointed at it. */
export interface CloudHarness {
  bitbucket: MockBitbucket;
  app: TestApp;
  strategy: BitbucketStrategy;
  /** One entry per call of the verify callback. */
  verified: VerifyCall[];
  close(): Promise<void>;
}

/** What {@link startCloud} sets up. */
export interface CloudHarnessOptions {
  mock?: MockBitbucketOptions;
  options?: Partial<BitbucketStrategyOptions>;
  app?: TestAppOptions;
}

/**
 * Starts the mock (approving at once unless told otherwise) and an app whose verify callback
 * records its arguments and logs the user in as `{ id, email }`.
 */
export async function startCloud(o: CloudHarnessOptions = {}): Promise<CloudHarness> {
  const bitbucket = await createMockBitbucket({ autoApprove: true, ...o.mock });
  await reserveAppURL();
  const verified: VerifyCall[] = [];
  let strategy: BitbucketStrategy;
  try {
    strategy = new BitbucketStrategy(cloudOptions(bitbucket, o.options), (token, tokenSecret, profile, done) => {
      // NOTE: with skipUserProfile the profile is undefined, whatever the verify type says.
      const read = profile as BitbucketProfile | undefined;
      verified.push({ token, tokenSecret, profile: read });
      done(null, { id: read?.id ?? null, email: read?.emails[0]?.value ?? null });
    });
  } catch (err) {
    // A refused configuration must not leave the mock running (jest would never exit).
    await bitbucket.close();
    throw err;
  }
  const app = await startApp(strategy, o.app);
  return {
    bitbucket,
    app,
    strategy,
    verified,
    close: async () => {
      await app.close();
      await bitbucket.close();
    },
  };
}

/** A fresh {@link CloudHarness} for each test of the enclosing `describe`, closed after it. */
export function useCloud(o: CloudHarnessOptions = {}): () => CloudHarness {
  let harness: CloudHarness | undefined;
  beforeEach(async () => {
    harness = await startCloud(o);
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('the harness is not started');
    return harness;
  };
}
