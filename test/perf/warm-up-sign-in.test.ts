/**
 * The sign-in code rehearsed at construction (issue 22): building the first strategy of a protocol also runs what
 * a callback does with the pending sign-ins (the store's two legs, the gate, the carry across the session's
 * regeneration, a provider error) on a throwaway request, session and store, so that V8 compiles it before the
 * first real callback. Seen from outside: nothing. The app's own store and verify are never called, and the
 * process's stores are as they were, even for a strategy that uses the rehearsal's own session key.
 */
import { createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { guardProcess } from '../support/process-guard';
import { freshLib } from '../support/fresh-lib';
import { cloudOptions, expectTwoTabsSignIn, useHarness } from '../oauth2/helpers';

guardProcess();

const CALLBACK = 'http://127.0.0.1:3000/auth/bitbucket/callback';

describe('the first strategy of a process', () => {
  let mock: MockBitbucket;
  beforeAll(async () => {
    mock = await createMockBitbucket({ autoApprove: true });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('never calls the app’s own state store or verify callback (OAuth 2.0)', () => {
    const store = { store: jest.fn(), verify: jest.fn() };
    const verify = jest.fn();
    new (freshLib().BitbucketOAuth2Strategy)({ ...cloudOptions(mock), store }, verify);
    expect(store.store).not.toHaveBeenCalled();
    expect(store.verify).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });

  it('never calls the app’s own request-token store or verify callback (OAuth 1.0a)', () => {
    const store = { get: jest.fn(), set: jest.fn(), destroy: jest.fn() };
    const verify = jest.fn();
    new (freshLib().BitbucketStrategy)(
      { consumerKey: 'key', consumerSecret: 'secret', callbackURL: CALLBACK, requestTokenStore: store },
      verify,
    );
    expect(store.get).not.toHaveBeenCalled();
    expect(store.set).not.toHaveBeenCalled();
    expect(store.destroy).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('a first strategy whose sessionKey is the rehearsal’s own', () => {
  // Built in a fresh copy of the package: its construction is the one that runs the rehearsal, after the
  // strategy's own store took the key. A login must still carry the second tab's sign-in (found by that key).
  const harness = useHarness(
    (m) =>
      new (freshLib().BitbucketOAuth2Strategy)(
        { ...cloudOptions(m), sessionKey: 'warm-up.invalid:oauth2' },
        (_a, _r, profile, done) => done(null, { id: profile.id, username: profile.username }),
      ),
  );

  it('still signs one person in from two tabs, in either order', async () => {
    const { app, mock } = harness();
    await expectTwoTabsSignIn(app, mock);
    expect(app.errors).toEqual([]);
  });
});
