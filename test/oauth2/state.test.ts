import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import type { StateStore } from 'passport-oauth2';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import {
  authorizeOnly,
  cloudOptions,
  formOf,
  JDOE_UUID,
  locationQuery,
  onlyRequestTo,
  requestsTo,
  useHarness,
} from './helpers';

guardProcess();

/** The callback path with one query parameter replaced (or removed with `null`). */
function withParam(path: string, name: string, value: string | null): string {
  const url = new URL(path, 'http://app.invalid');
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.pathname + url.search;
}

/** What a callback that matches no pending sign-in of this browser fails with. */
const NOT_THIS_BROWSER =
  'This Bitbucket sign-in was not started in this browser, or was already finished. Please sign in again.';

describe('CSRF state, on by default', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('puts a fresh random state on every authorize URL', async () => {
    const first = locationQuery(await harness().app.agent().get('/login')).state;
    const second = locationQuery(await harness().app.agent().get('/login')).state;
    // 32 random bytes, base64url.
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
  });

  it('fails a callback whose state was forged, without exchanging the code', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const callback = await agent.get(withParam(callbackPath, 'state', 'forged-state'));
    expect(callback.status).toBe(302);
    expect((await followApp(agent, callback)).body).toEqual({ messages: [NOT_THIS_BROWSER] });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
    expect(harness().app.errors).toEqual([]);
  });

  it('fails a callback that carries no state', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const callback = await agent.get(withParam(callbackPath, 'state', null));
    expect((await followApp(agent, callback)).body).toEqual({ messages: [NOT_THIS_BROWSER] });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
  });

  it('fails a callback opened in another browser (a session that never started the login)', async () => {
    const callbackPath = await authorizeOnly(harness().app.agent(), harness().mock);
    const other = harness().app.agent();
    const callback = await other.get(callbackPath);
    expect((await followApp(other, callback)).body).toEqual({
      messages: [NOT_THIS_BROWSER],
    });
    expect(requestsTo(harness().mock, 'token')).toEqual([]);
  });
});

describe('a state failure without failureRedirect', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
    { app: { callbackOptions: { failureRedirect: undefined, failureMessage: undefined } } },
  );

  it('answers 403 Forbidden', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const callback = await agent.get(withParam(callbackPath, 'state', 'forged-state'));
    expect(callback.status).toBe(403);
    expect(harness().app.errors).toEqual([]);
  });
});

describe('state: false', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), state: false }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('sends no state to Bitbucket and still signs the user in', async () => {
    const agent = harness().app.agent();
    const start = await agent.get('/login');
    expect(locationQuery(start)).not.toHaveProperty('state');
    const { callback } = await login(agent);
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    expect(onlyRequestTo(harness().mock, 'authorize').query).not.toHaveProperty('state');
  });
});

/** One mock and one app whose strategy keeps its state in `store` (`true`: passport-oauth2's own). */
function useStoreHarness(store: StateStore | true): ReturnType<typeof useHarness<BitbucketOAuth2Strategy>> {
  return useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), store }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );
}

/** The metadata passport-oauth2 gives a state store, for the harness's mock and app. */
function flowMetadata({ mock, app }: { mock: { url: string }; app: { url: string } }): Record<string, string> {
  return {
    authorizationURL: `${mock.url}/site/oauth2/authorize`,
    tokenURL: `${mock.url}/site/oauth2/access_token`,
    clientID: 'mock-client-id',
    callbackURL: `${app.url}/callback`,
  };
}

describe('a custom state store', () => {
  const stored: { meta: unknown; url: string }[] = [];
  const verified: string[] = [];
  const store: StateStore = {
    store(req: Request, meta: unknown, callback: (err: Error | null, state: string) => void): void {
      stored.push({ meta, url: req.originalUrl });
      callback(null, 'state-from-my-store');
    },
    verify(_req: Request, state: string, callback: (err: Error | null, ok: boolean, info: unknown) => void): void {
      verified.push(state);
      if (state === 'state-from-my-store') callback(null, true, { returnTo: '/dashboard' });
      else callback(null, false, { message: 'My store does not know this state.' });
    },
  } as StateStore;
  const harness = useStoreHarness(store);
  beforeEach(() => {
    stored.splice(0);
    verified.splice(0);
  });

  it('is asked for the state, with the flow’s metadata, and that state goes to Bitbucket', async () => {
    const start = await harness().app.agent().get('/login');
    expect(locationQuery(start).state).toBe('state-from-my-store');
    expect(stored).toEqual([{ url: '/login', meta: flowMetadata(harness()) }]);
  });

  it('verifies the returned state, and what it passes on becomes req.authInfo.state', async () => {
    const { callback } = await login(harness().app.agent());
    expect(verified).toEqual(['state-from-my-store']);
    expect(callback?.body).toEqual({ user: { id: JDOE_UUID }, authInfo: { state: { returnTo: '/dashboard' } } });
  });

  it('fails the callback when it does not recognise the state', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const callback = await agent.get(withParam(callbackPath, 'state', 'stolen'));
    expect((await followApp(agent, callback)).body).toEqual({ messages: ['My store does not know this state.'] });
    expect(verified).toEqual(['stolen']);
  });
});

describe('a custom state store whose verify takes the flow’s metadata (four parameters)', () => {
  const verified: { state: string; meta: unknown }[] = [];
  const store = {
    store(_req: Request, _meta: unknown, callback: (err: Error | null, state: string) => void): void {
      callback(null, 'four-parameter-state');
    },
    verify(
      _req: Request,
      state: string,
      meta: unknown,
      callback: (err: Error | null, ok: boolean, info?: unknown) => void,
    ): void {
      verified.push({ state, meta });
      callback(null, state === 'four-parameter-state');
    },
  } as unknown as StateStore;
  const harness = useStoreHarness(store);

  it('gets the state and the same metadata as at the first leg, and the user signs in', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body).toEqual({ user: { id: JDOE_UUID }, authInfo: {} });
    expect(verified).toEqual([{ state: 'four-parameter-state', meta: flowMetadata(harness()) }]);
  });
});

describe('a custom state store whose verify throws', () => {
  const store = {
    store(_req: Request, _meta: unknown, callback: (err: Error | null, state: string) => void): void {
      callback(null, 'state-of-a-throwing-store');
    },
    verify(): void {
      throw new Error('the state store is down');
    },
  } as unknown as StateStore;
  const harness = useStoreHarness(store);

  it('ends the callback in error() with what it threw, before any token request', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    expect(callback?.body).toMatchObject({ name: 'Error', message: 'the state store is down' });
    expect(requestsTo(harness().mock, 'token')).toHaveLength(0);
  });
});

describe('store: true (passport-oauth2’s session StateStore)', () => {
  const harness = useStoreHarness(true);

  it('signs the user in, and refuses a forged state', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const forged = await agent.get(withParam(callbackPath, 'state', 'forged-state'));
    expect((await followApp(agent, forged)).body).toEqual({ messages: [NOT_THIS_BROWSER] });
  });
});

describe('PKCE (pkce: true)', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), pkce: true }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('sends an S256 code_challenge at authorize and its code_verifier with the code; the mock accepts it', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    const authorize = onlyRequestTo(harness().mock, 'authorize').query;
    const token = formOf(onlyRequestTo(harness().mock, 'token'));
    expect(authorize.code_challenge_method).toBe('S256');
    expect(token.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.code_challenge).toBe(createHash('sha256').update(String(token.code_verifier)).digest('base64url'));
  });

  it('uses a new verifier for every login', async () => {
    await login(harness().app.agent());
    await login(harness().app.agent());
    const verifiers = requestsTo(harness().mock, 'token').map((r) => formOf(r).code_verifier);
    expect(verifiers).toHaveLength(2);
    expect(verifiers[0]).not.toBe(verifiers[1]);
  });
});

describe("PKCE with pkce: 'plain'", () => {
  const warnings: unknown[] = [];
  const harness = useHarness((mock) => {
    // The process warning 'plain' earns, expected here and kept out of the test run's output.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation((_warning, options) => {
      warnings.push(options?.code);
    });
    try {
      return new BitbucketOAuth2Strategy({ ...cloudOptions(mock), pkce: 'plain' }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      );
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('warns the process that the verifier travels in the authorization URL', () => {
    expect(warnings).toEqual(['PASSPORT_BITBUCKET_PKCE_PLAIN']);
  });

  it('sends the verifier itself as the challenge', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    const authorize = onlyRequestTo(harness().mock, 'authorize').query;
    expect(authorize.code_challenge_method).toBe('plain');
    expect(authorize.code_challenge).toBe(formOf(onlyRequestTo(harness().mock, 'token')).code_verifier);
  });
});
