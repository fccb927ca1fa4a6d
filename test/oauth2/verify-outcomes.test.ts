import { BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { cloudOptions, useHarness } from './helpers';

guardProcess();

describe('a verify callback that refuses the user with done(null, false, info)', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_accessToken, _refreshToken, profile, done) =>
        done(null, false, { message: `Account ${profile.username ?? '?'} is suspended` }),
      ),
  );

  it('sends the browser to failureRedirect with the info message, and logs nobody in', async () => {
    const agent = harness().app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/failed');
    expect((await followApp(agent, callback!)).body).toEqual({ messages: ['Account jdoe is suspended'] });
    expect((await agent.get('/me')).body).toEqual({ user: null });
    expect(harness().app.errors).toEqual([]);
  });
});

describe('a verify callback that reports an error with done(err)', () => {
  const failure = new Error('the user database is down');
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_accessToken, _refreshToken, _profile, done) => done(failure)),
  );

  it('hands that very error to the app error handler (500), and logs nobody in', async () => {
    const agent = harness().app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(500);
    expect(callback?.body).toEqual({ name: 'Error', message: 'the user database is down', code: null, status: null });
    expect(harness().app.errors).toEqual([failure]);
    expect((await agent.get('/me')).body).toEqual({ user: null });
  });
});

describe('a verify callback that throws', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), () => {
        throw new RangeError('bug in the app');
      }),
  );

  it('reaches the app error handler instead of crashing the process', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    expect(callback?.body.message).toBe('bug in the app');
    expect(harness().app.errors.map((e) => e.name)).toEqual(['RangeError']);
  });
});

describe('a verify callback that passes info with the user', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_accessToken, _refreshToken, profile, done) =>
        done(null, { id: profile.id }, { firstLogin: true }),
      ),
  );

  it('makes the info available as req.authInfo', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(200);
    expect(callback?.body.authInfo).toEqual({ firstLogin: true });
  });
});
