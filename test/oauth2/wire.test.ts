import { BitbucketAPIError, BitbucketOAuth2Strategy } from 'passport-bitbucket-oauth';
import { login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import {
  authorizeOnly,
  bearerTokenSeen,
  cloudOptions,
  formOf,
  JDOE_UUID,
  onlyRequestTo,
  requestsTo,
  useHarness,
} from './helpers';

guardProcess();

describe('what the strategy sends to Bitbucket, as the mock received it', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(cloudOptions(mock), (_a, _r, profile, done) => done(null, { id: profile.id })),
  );

  it('exchanges the code with a form-encoded POST and HTTP Basic client credentials', async () => {
    const agent = harness().app.agent();
    const callbackPath = await authorizeOnly(agent, harness().mock);
    const code = new URL(callbackPath, 'http://x').searchParams.get('code');
    await agent.get(callbackPath);
    const token = onlyRequestTo(harness().mock, 'token');
    expect(token.method).toBe('POST');
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token.headers.authorization).toBe(
      `Basic ${Buffer.from('mock-client-id:mock-client-secret').toString('base64')}`,
    );
    expect(token.query).toEqual({});
    expect(formOf(token)).toEqual({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${harness().app.url}/callback`,
    });
  });

  it('never puts the client secret (or the client id) in the token request body', async () => {
    await login(harness().app.agent());
    const token = onlyRequestTo(harness().mock, 'token');
    expect(token.body).not.toContain('mock-client-secret');
    expect(formOf(token)).not.toHaveProperty('client_secret');
    expect(formOf(token)).not.toHaveProperty('client_id');
  });

  it('reads /2.0/user and /2.0/user/emails with Authorization: Bearer and JSON accepted', async () => {
    await login(harness().app.agent());
    const token = bearerTokenSeen(harness().mock);
    for (const endpoint of ['user', 'emails'] as const) {
      const record = onlyRequestTo(harness().mock, endpoint);
      expect(record.method).toBe('GET');
      expect(record.headers.authorization).toBe(`Bearer ${token}`);
      expect(record.headers.accept).toBe('application/json');
      expect(record.headers['user-agent']).toBe('passport-bitbucket-oauth');
    }
  });

  it('never sends the access token in a query string or a body', async () => {
    await login(harness().app.agent());
    const token = bearerTokenSeen(harness().mock);
    expect(harness().mock.requests.length).toBeGreaterThanOrEqual(4);
    for (const record of harness().mock.requests) {
      expect(record.query).not.toHaveProperty('access_token');
      expect(JSON.stringify(record.query)).not.toContain(token);
      expect(record.body).not.toContain(token);
    }
  });

  it('takes about one delay, not two, when both calls are slowed by 400 ms', async () => {
    const { mock, app } = harness();
    mock.setFault('user', { kind: 'delay', ms: 400 });
    mock.setFault('emails', { kind: 'delay', ms: 400 });
    const agent = app.agent();
    const callbackPath = await authorizeOnly(agent, mock);
    const started = Date.now();
    const callback = await agent.get(callbackPath);
    const elapsed = Date.now() - started;
    expect(callback.body.user).toEqual({ id: JDOE_UUID });
    expect(elapsed).toBeGreaterThanOrEqual(400);
    // One after the other would take at least 800 ms.
    expect(elapsed).toBeLessThan(750);
  });
});

describe('/2.0/user and /2.0/user/emails are requested in parallel', () => {
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy({ ...cloudOptions(mock), timeout: 300 }, (_a, _r, profile, done) =>
        done(null, { id: profile.id }),
      ),
  );

  it('asks for the emails while /2.0/user still has not answered', async () => {
    harness().mock.setFault('user', { kind: 'hang' });
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    expect(harness().app.errors[0]).toBeInstanceOf(BitbucketAPIError);
    expect(requestsTo(harness().mock, 'emails')).toHaveLength(1);
  });

  it('asks for the user while /2.0/user/emails still has not answered', async () => {
    harness().mock.setFault('emails', { kind: 'hang' });
    const { callback } = await login(harness().app.agent());
    expect(callback?.status).toBe(500);
    expect(requestsTo(harness().mock, 'user')).toHaveLength(1);
  });
});
