/**
 * The OAuth 2.0 callback runs passport-oauth2's callback steps itself (lib/oauth2/callback-leg.ts), in strict-mode
 * TypeScript where passport-oauth2 is sloppy-mode JavaScript: an assignment that did nothing there (a property
 * on a string or a frozen object) must still do nothing, not throw, in particular inside the verify's `done()`.
 */
import type { Request } from 'express';
import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import type { StateStore } from 'passport-oauth2';
import { followApp, lastMessage, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { cloudOptions, formOf, onlyRequestTo, requestsTo, useHarness } from './helpers';

const escaped = guardProcess().escaped;

/** A store that hands back an app state with its verdict, as passport-oauth2's stores may. */
const storeWithAppState = {
  store(_req: Request, _meta: unknown, callback: (err: Error | null, state: string) => void): void {
    callback(null, 'state-with-app-state');
  },
  verify(_req: Request, state: string, callback: (err: Error | null, ok: boolean, info: unknown) => void): void {
    callback(null, state === 'state-with-app-state', { returnTo: '/dashboard' });
  },
} as unknown as StateStore;

type Done = (err: null, user: { id: string }, info: unknown) => void;

describe.each([
  { what: 'a string', info: (): unknown => 'Welcome back!', authInfo: 'Welcome back!' },
  {
    what: 'a frozen object',
    info: (): unknown => Object.freeze({ message: 'Welcome back!' }),
    authInfo: { message: 'Welcome back!' },
  },
])('a verify whose info is $what, with a store that hands back an app state', ({ info, authInfo }) => {
  describe('done() called at once', () => {
    const harness = useHarness(
      (mock) =>
        new BitbucketOAuth2Strategy({ ...cloudOptions(mock), store: storeWithAppState }, (_a, _r, profile, done) =>
          (done as Done)(null, { id: profile.id }, info()),
        ),
    );

    it('signs the user in with that info as req.authInfo (the state cannot be added to it)', async () => {
      const { callback } = await login(harness().app.agent());
      expect(callback?.status).toBe(200);
      expect(callback?.body).toEqual({ user: { id: expect.any(String) as string }, authInfo });
    });
  });

  describe('done() called later, as after a database lookup', () => {
    const harness = useHarness(
      (mock) =>
        new BitbucketOAuth2Strategy({ ...cloudOptions(mock), store: storeWithAppState }, (_a, _r, profile, done) => {
          setImmediate(() => (done as Done)(null, { id: profile.id }, info()));
        }),
    );

    it('signs the user in, and nothing is thrown into the app’s callback', async () => {
      const { callback } = await login(harness().app.agent());
      expect(callback?.status).toBe(200);
      expect(callback?.body).toMatchObject({ authInfo });
      expect(escaped).toEqual([]);
    });
  });
});

describe('a subclass whose tokenParams() returns a frozen object', () => {
  class FrozenParams extends BitbucketOAuth2Strategy {
    override tokenParams(): object {
      return Object.freeze({});
    }
  }
  const harness = useHarness(
    (mock) => new FrozenParams(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('sends the code without the fields it could not add, as passport-oauth2 did, and the sign-in fails', async () => {
    const agent = harness().app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(302);
    expect(lastMessage(await followApp(agent, callback!))).toBe(
      'The sign-in link has expired or was already used. Please sign in again.',
    );
    const form = formOf(onlyRequestTo(harness().mock, 'token'));
    expect(form).toHaveProperty('code');
    expect(form).not.toHaveProperty('grant_type');
    expect(harness().app.errors).toEqual([]);
  });
});

describe('a callback without a state, whose body a parser left empty', () => {
  const statesSeen: unknown[] = [];
  const recordingStore = {
    store(_req: Request, _meta: unknown, callback: (err: Error | null, state: string) => void): void {
      callback(null, 'recorded-state');
    },
    verify(_req: Request, state: unknown, callback: (err: Error | null, ok: boolean, info?: unknown) => void): void {
      statesSeen.push(state);
      callback(null, false, { message: 'No state.' });
    },
  } as unknown as StateStore;
  const emptyTextBody = (req: Request, _res: unknown, next: () => void): void => {
    req.body = '';
    next();
  };
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), store: recordingStore }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
    { app: { before: [emptyTextBody] } },
  );

  it('hands the store that empty body as the state, as passport-oauth2 did (`query.state || (body && body.state)`)', async () => {
    const callback = await harness().app.agent().get('/callback?code=some-code');
    expect(callback.status).toBe(302);
    expect(statesSeen).toEqual(['']);
  });
});

describe('a subclass whose tokenParams() returns nothing', () => {
  class NoParams extends BitbucketOAuth2Strategy {
    override tokenParams(): object {
      return undefined as unknown as object;
    }
  }
  const harness = useHarness(
    (mock) => new NoParams(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('ends the callback in error() with passport-oauth2’s TypeError, before any token request', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    expect(callback?.body).toMatchObject({
      name: 'TypeError',
      message: "Cannot set properties of undefined (setting 'grant_type')",
    });
    expect(requestsTo(harness().mock, 'token')).toHaveLength(0);
  });
});
