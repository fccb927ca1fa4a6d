import { BitbucketOAuth2Strategy, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT } from 'passport-bitbucket-oauth/testing';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { appCallbackURL, startApp } from '../support/app';
import { cloudOptions, JDOE_UUID, locationQuery, onlyRequestTo, requestsTo, useHarness } from './helpers';

guardProcess();

describe('the defaults, with no URL option (Bitbucket Cloud)', () => {
  it('is named bitbucket-oauth2 and sends the browser to bitbucket.org/site/oauth2/authorize', async () => {
    const strategy = new BitbucketOAuth2Strategy(
      { clientID: 'key', clientSecret: 'secret', callbackURL: 'https://app.example.com/auth/callback' },
      (_a, _r, _p, done) => done(null, false),
    );
    expect(strategy.name).toBe('bitbucket-oauth2');
    expect(strategy.deployment).toBe('cloud');
    const app = await startApp(strategy);
    try {
      const start = await app.agent().get('/login');
      expect(start.status).toBe(302);
      const location = new URL(String(start.headers.location));
      expect(location.origin + location.pathname).toBe('https://bitbucket.org/site/oauth2/authorize');
      expect(Object.fromEntries(location.searchParams)).toEqual({
        client_id: 'key',
        response_type: 'code',
        redirect_uri: 'https://app.example.com/auth/callback',
        state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
    } finally {
      await app.close();
    }
  });
});

describe('skipUserProfile: true', () => {
  const profiles: (BitbucketProfile | undefined)[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        { ...cloudOptions(mock), skipUserProfile: true },
        (accessToken, _r, profile, done) => {
          profiles.push(profile);
          done(null, { token: accessToken.length });
        },
      ),
  );

  it('logs in without calling /2.0/user or /2.0/user/emails, and verify gets no profile', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ token: 43 });
    expect(profiles).toEqual([undefined]);
    expect(harness().mock.requests.map((r) => r.endpoint)).toEqual(['authorize', 'token']);
  });
});

describe('skipUserProfile as a function (accessToken, done)', () => {
  const profiles: (BitbucketProfile | undefined)[] = [];
  const asked: string[] = [];
  let skip = true;
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        {
          ...cloudOptions(mock),
          skipUserProfile: (accessToken, done) => {
            asked.push(accessToken);
            done(null, skip);
          },
        },
        (_a, _r, profile, done) => {
          profiles.push(profile);
          done(null, { ok: true });
        },
      ),
  );
  beforeEach(() => {
    profiles.splice(0);
    asked.splice(0);
  });

  it('is asked with the access token and skips the profile when it answers true', async () => {
    skip = true;
    await login(harness().app.agent());
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(profiles).toEqual([undefined]);
    expect(requestsTo(harness().mock, 'user')).toEqual([]);
  });

  it('reads the profile when it answers false', async () => {
    skip = false;
    await login(harness().app.agent());
    expect(profiles[0]?.id).toBe(JDOE_UUID);
    expect(onlyRequestTo(harness().mock, 'user').headers.authorization).toBe(`Bearer ${asked[0]}`);
  });
});

describe('emails: false', () => {
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), emails: false }, (_a, _r, profile, done) => {
        profiles.push(profile);
        done(null, { id: profile.id });
      }),
  );

  it('never calls /2.0/user/emails; the profile has no emails and no emailsError', async () => {
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
    expect(requestsTo(harness().mock, 'emails')).toEqual([]);
    expect(requestsTo(harness().mock, 'user')).toHaveLength(1);
    expect(profiles[0]?.emails).toEqual([]);
    expect(profiles[0]).not.toHaveProperty('emailsError');
  });
});

describe('the name option', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), name: 'bitbucket-work' }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('registers the strategy under that name, and passport.authenticate(name) signs in with it', async () => {
    expect(harness().strategy.name).toBe('bitbucket-work');
    const { callback } = await login(harness().app.agent());
    expect(callback?.body.user).toEqual({ id: JDOE_UUID });
  });
});

describe('the scope option on Cloud', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), scope: ['account', 'email'] }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('is sent space-separated, while the scopes granted are the consumer’s', async () => {
    const agent = harness().app.agent();
    const start = await agent.get('/login');
    expect(locationQuery(start).scope).toBe('account email');
  });
});

describe('every URL option overrides its endpoint', () => {
  // Each override carries a query parameter that only the override could have put there.
  const profiles: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        {
          clientID: DEFAULT_CLIENT.clientId,
          clientSecret: DEFAULT_CLIENT.clientSecret,
          callbackURL: appCallbackURL(),
          authorizationURL: `${mock.url}/site/oauth2/authorize?mock_user=mmails`,
          tokenURL: `${mock.url}/site/oauth2/access_token?via=tokenURL`,
          userProfileURL: `${mock.url}/2.0/user?fields=%2Buuid`,
          userEmailsURL: `${mock.url}/2.0/user/emails?pagelen=5`,
        },
        (_a, _r, profile, done) => {
          profiles.push(profile);
          done(null, { id: profile.id });
        },
      ),
  );
  beforeEach(() => profiles.splice(0));

  it('authorizationURL: the browser goes there, its own query kept (here: sign in as mmails)', async () => {
    const agent = harness().app.agent();
    const start = await agent.get('/login');
    expect(String(start.headers.location).startsWith(`${harness().mock.url}/site/oauth2/authorize?`)).toBe(true);
    expect(locationQuery(start)).toMatchObject({
      mock_user: 'mmails',
      client_id: 'mock-client-id',
      response_type: 'code',
    });
    await login(agent);
    expect(profiles[0]?.username).toBe('mmails');
  });

  it('tokenURL: the code is exchanged there', async () => {
    await login(harness().app.agent());
    const token = onlyRequestTo(harness().mock, 'token');
    expect(token.query).toEqual({ via: 'tokenURL' });
  });

  it('userProfileURL: the user is read there', async () => {
    await login(harness().app.agent());
    expect(onlyRequestTo(harness().mock, 'user').query).toEqual({ fields: '+uuid' });
  });

  it('userEmailsURL: the emails are read there, every page of it (12 emails, 5 a page)', async () => {
    await login(harness().app.agent());
    expect(requestsTo(harness().mock, 'emails').map((r) => r.query)).toEqual([
      { pagelen: '5' },
      { page: '2', pagelen: '5' },
      { page: '3', pagelen: '5' },
    ]);
    expect(profiles[0]?.emails).toHaveLength(12);
  });
});

describe('proxy: true with the absolute callbackURL every strategy now requires', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), proxy: true }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('sends the configured callback whatever X-Forwarded-Proto and X-Forwarded-Host say', async () => {
    const start = await harness()
      .app.agent()
      .get('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'evil.example');
    expect(locationQuery(start).redirect_uri).toBe(`${harness().app.url}/callback`);
  });
});

describe('proxy left off', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('ignores X-Forwarded-* headers a client may forge', async () => {
    const start = await harness()
      .app.agent()
      .get('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'evil.example');
    expect(locationQuery(start).redirect_uri).toBe(`${harness().app.url}/callback`);
  });
});
