/**
 * Shared set-up for the OAuth 2.0 full-redirect tests: a mock Bitbucket (auto-approving), a
 * BitbucketOAuth2Strategy pointed at it, and the small Express app of test/support/app.ts.
 */
import type { Strategy } from 'passport';
import type { BitbucketOAuth2StrategyOptions } from 'passport-bitbucket-oauth';
import {
  createMockBitbucket,
  DEFAULT_CLIENT,
  type MockBitbucket,
  type MockBitbucketOptions,
  type MockRequestRecord,
} from 'passport-bitbucket-oauth/testing';
import type request from 'supertest';
import { appCallbackURL, reserveAppURL, startApp, type TestApp, type TestAppOptions } from '../support/app';
import { pathOf } from '../support/flow';

/** The mock's default consumer secret: it must never show up in an error. */
export const CLIENT_SECRET = DEFAULT_CLIENT.clientSecret;

/** The uuid of the mock's default user `jdoe`, braces kept. */
export const JDOE_UUID = '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}';

/** Cloud options for a strategy talking to the mock with its default consumer. */
export function cloudOptions(
  mock: MockBitbucket,
  extra: Partial<BitbucketOAuth2StrategyOptions> = {},
): BitbucketOAuth2StrategyOptions {
  return {
    ...mock.oauth2Endpoints(),
    clientID: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    callbackURL: appCallbackURL(),
    ...extra,
  };
}

/** Data Center options for a strategy talking to the mock with its default consumer: every endpoint from `baseURL`. */
export function dataCenterOptions(
  mock: MockBitbucket,
  extra: Partial<BitbucketOAuth2StrategyOptions> = {},
): BitbucketOAuth2StrategyOptions {
  return {
    baseURL: mock.url,
    clientID: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    callbackURL: appCallbackURL(),
    ...extra,
  };
}

export interface Harness<S extends Strategy = Strategy> {
  mock: MockBitbucket;
  app: TestApp;
  strategy: S;
}

/**
 * One mock and one app for a whole `describe`. Before each test the request log is emptied and
 * the app's recorded errors are forgotten; after each test the faults are cleared.
 */
export function useHarness<S extends Strategy & { name?: string }>(
  build: (mock: MockBitbucket) => S,
  options: { mock?: MockBitbucketOptions; app?: TestAppOptions } = {},
): () => Harness<S> {
  let harness: Harness<S> | undefined;
  beforeAll(async () => {
    const mock = await createMockBitbucket({ autoApprove: true, ...options.mock });
    await reserveAppURL();
    const strategy = build(mock);
    const app = await startApp(strategy, options.app);
    harness = { mock, app, strategy };
  });
  beforeEach(() => {
    harness?.mock.requests.splice(0);
    harness?.app.errors.splice(0);
  });
  afterEach(() => harness?.mock.clearFaults());
  afterAll(async () => {
    await harness?.app.close();
    await harness?.mock.close();
  });
  return () => {
    if (!harness) throw new Error('harness not started');
    return harness;
  };
}

/** The requests the mock received for one endpoint, oldest first. */
export function requestsTo(mock: MockBitbucket, endpoint: MockRequestRecord['endpoint']): MockRequestRecord[] {
  return mock.requests.filter((r) => r.endpoint === endpoint);
}

/** The one request the mock received for an endpoint (fails the test when there were more or none). */
export function onlyRequestTo(mock: MockBitbucket, endpoint: MockRequestRecord['endpoint']): MockRequestRecord {
  const found = requestsTo(mock, endpoint);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The access token the strategy sent to the API (from the first Bearer header the mock saw). */
export function bearerTokenSeen(mock: MockBitbucket): string {
  const header = mock.requests
    .map((r) => r.headers.authorization)
    .find((h): h is string => typeof h === 'string' && h.startsWith('Bearer '));
  if (header === undefined) throw new Error('no Bearer request was made');
  return header.slice('Bearer '.length);
}

/** The form fields of a logged request body. */
export function formOf(record: MockRequestRecord): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(record.body));
}

/** The query parameters of the redirect's Location. */
export function locationQuery(response: request.Response): Record<string, string> {
  return Object.fromEntries(new URL(String(response.headers.location)).searchParams);
}

/**
 * The first two legs of a login, stopping before the callback: the app's redirect and the mock's
 * redirect back. Returns the callback path and query (for the same agent).
 */
export async function authorizeOnly(agent: request.Agent, mock: MockBitbucket, mockUser?: string): Promise<string> {
  const start = await agent.get('/login');
  expect(start.status).toBe(302);
  const headers: Record<string, string> = mockUser === undefined ? {} : { 'x-mock-user': mockUser };
  const back = await fetch(String(start.headers.location), { redirect: 'manual', headers });
  expect(back.status).toBe(302);
  const location = back.headers.get('location') ?? '';
  expect(location.startsWith(mock.url)).toBe(false);
  return pathOf(location);
}

/**
 * Asserts that no credential leaked: neither the client secret (nor its Basic encoding) nor any
 * of the given tokens appear in the texts (error messages, serialized errors, 500 bodies).
 */
export function expectNoCredentials(texts: readonly string[], tokens: readonly string[] = []): void {
  const basic = Buffer.from(`${DEFAULT_CLIENT.clientId}:${CLIENT_SECRET}`).toString('base64');
  for (const text of texts) {
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain(basic);
    for (const token of tokens) expect(text).not.toContain(token);
  }
}

/** Everything an error carries that could reach a log: message, stack, enumerable fields, cause. */
export function errorTexts(err: unknown): string[] {
  if (!(err instanceof Error)) return [String(err)];
  const cause = (err as { cause?: unknown }).cause;
  const inner = (err as { oauthError?: unknown }).oauthError;
  return [
    err.message,
    String(err.stack),
    JSON.stringify(err),
    String(err),
    ...(cause instanceof Error ? errorTexts(cause) : []),
    ...(inner instanceof Error ? errorTexts(inner) : inner !== undefined ? [JSON.stringify(inner)] : []),
  ];
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds (polling every 5 ms), or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/**
 * Two tabs of one person (the mock's jdoe) in one new browser, finishing in either order: each must sign in.
 * `between` runs once both have started (a burst of foreign starts, for example).
 */
export async function expectTwoTabsSignIn(
  app: TestApp,
  mock: MockBitbucket,
  between: (browser: request.Agent) => Promise<void> = async () => undefined,
): Promise<void> {
  for (const order of [
    [0, 1],
    [1, 0],
  ]) {
    const browser = app.agent();
    const tabs = [await authorizeOnly(browser, mock), await authorizeOnly(browser, mock)];
    await between(browser);
    for (const i of order) expect((await browser.get(tabs[i] ?? '')).body.user).toMatchObject({ username: 'jdoe' });
  }
}
