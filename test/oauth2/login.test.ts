import { BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { startApp, type TestApp } from '../support/app';
import { followApp, login } from '../support/flow';

describe('BitbucketOAuth2Strategy signing a user in through the mock Bitbucket', () => {
  let bitbucket: MockBitbucket;
  let app: TestApp;
  const verified: { accessToken: string; refreshToken: string | undefined; profile: BitbucketProfile }[] = [];

  beforeAll(async () => {
    bitbucket = await createMockBitbucket({ autoApprove: true });
    const strategy = new BitbucketOAuth2Strategy(
      { ...bitbucket.oauth2Endpoints(), clientID: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret, callbackURL: '/callback' },
      (accessToken, refreshToken, profile, done) => {
        verified.push({ accessToken, refreshToken, profile });
        done(null, { id: profile.id, email: profile.emails[0]?.value });
      },
    );
    app = await startApp(strategy);
  });
  afterAll(async () => {
    await app.close();
    await bitbucket.close();
  });

  it('logs the user in with their uuid and primary email, and keeps them in the session', async () => {
    const agent = app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}', email: 'jane@example.com' });
    expect((await agent.get('/me')).body.user.id).toBe('{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}');
  });

  it('sends a denial to failureRedirect with a plain message', async () => {
    bitbucket.setFault('authorize', { kind: 'deny' }, { times: 1 });
    const agent = app.agent();
    const { callback } = await login(agent);
    expect(callback?.status).toBe(302);
    const failed = await followApp(agent, callback!);
    expect(failed.body.messages).toEqual(['You did not allow access to your Bitbucket account.']);
    expect(app.errors).toEqual([]);
  });
});
