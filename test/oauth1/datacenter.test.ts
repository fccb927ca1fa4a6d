import { generateKeyPairSync } from 'node:crypto';
import { BitbucketStrategy, TokenError, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { appCallbackURL, reserveAppURL, startApp, type TestApp } from '../support/app';
import { followApp, login } from '../support/flow';
import { guardProcess } from '../support/process-guard';
import { callsTo, oauthParamsOf } from './helpers';

guardProcess();

/**
 * Bitbucket Data Center application links: the consumer signs with RSA-SHA1 using its private key,
 * and Bitbucket holds the public key (bitbucket-facts.md, "OAuth 1.0a on Data Center").
 */
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const CONSUMER_KEY = 'dc-application-link';
const DC_CLIENT = {
  clientId: CONSUMER_KEY,
  clientSecret: 'not-used-with-rsa',
  callbackURL: 'http://127.0.0.1:',
  publicKey,
};

describe('BitbucketStrategy on Bitbucket Data Center (application link, RSA-SHA1)', () => {
  let bitbucket: MockBitbucket;
  let app: TestApp;
  let strategy: BitbucketStrategy;
  let profiles: BitbucketProfile[];

  async function start(extra: { emails?: boolean } = {}): Promise<void> {
    bitbucket = await createMockBitbucket({ autoApprove: true, clients: [{ ...DEFAULT_CLIENT }, DC_CLIENT] });
    profiles = [];
    await reserveAppURL();
    strategy = new BitbucketStrategy(
      { baseURL: bitbucket.url, consumerKey: CONSUMER_KEY, privateKey, callbackURL: appCallbackURL(), ...extra },
      (_token, _tokenSecret, profile, done) => {
        profiles.push(profile);
        done(null, { id: profile.id, username: profile.username });
      },
    );
    app = await startApp(strategy);
  }
  afterEach(async () => {
    await app.close();
    await bitbucket.close();
  });

  it('picks RSA-SHA1 by itself and logs the user in with a Data Center profile', async () => {
    await start();
    expect(strategy.deployment).toBe('datacenter');
    const agent = app.agent();
    const { start: toBitbucket, callback } = await login(agent);
    expect(String(toBitbucket.headers.location)).toMatch(
      new RegExp(`^${bitbucket.url}/plugins/servlet/oauth/authorize\\?oauth_token=`),
    );
    expect(callback?.status).toBe(200);
    expect(callback?.body.user).toEqual({ id: '1', username: 'jdoe' });
    expect(profiles[0]).toMatchObject({
      provider: 'bitbucket',
      id: '1',
      deployment: 'datacenter',
      baseURL: bitbucket.url,
      username: 'jdoe',
      displayName: 'Jane Doe',
      emails: [{ value: 'jane@example.com', primary: true, verified: false }],
      photos: [{ value: `${bitbucket.url}/users/jdoe/avatar.png?s=256` }],
    });
  });

  it('signs every call with RSA-SHA1: request token, access token, whoami and users/{slug}, nothing else', async () => {
    await start();
    await login(app.agent());
    expect(bitbucket.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /plugins/servlet/oauth/request-token',
      'GET /plugins/servlet/oauth/authorize',
      'POST /plugins/servlet/oauth/access-token',
      'GET /plugins/servlet/applinks/whoami',
      'GET /rest/api/latest/users/jdoe',
    ]);
    for (const endpoint of ['requestToken', 'accessToken', 'whoami', 'dcUser'] as const) {
      const params = oauthParamsOf(callsTo(bitbucket, endpoint)[0]);
      expect([endpoint, params.oauth_signature_method, params.oauth_consumer_key]).toEqual([
        endpoint,
        'RSA-SHA1',
        CONSUMER_KEY,
      ]);
      // A 2048-bit RSA signature is 256 bytes: 344 characters of base64.
      expect(params.oauth_signature).toHaveLength(344);
    }
    expect(callsTo(bitbucket, 'dcUser')[0]?.query).toEqual({ avatarSize: '256' });
  });

  it('emails: false still reads the user (its address comes with it) and leaves the address out of the profile', async () => {
    await start({ emails: false });
    const { callback } = await login(app.agent());
    expect(callback?.body.user).toEqual({ id: '1', username: 'jdoe' });
    expect(callsTo(bitbucket, 'dcUser')).toHaveLength(1);
    expect(profiles[0]?.emails).toEqual([]);
  });

  it('a user who denies access (oauth_problem=permissions_denied) ends at failureRedirect, without a new request token', async () => {
    await start();
    bitbucket.setFault('oauth1Authorize', { kind: 'deny' }, { times: 1 });
    const agent = app.agent();
    const { authorize, callback } = await login(agent);
    expect(new URL(String(authorize.headers.location)).searchParams.get('oauth_problem')).toBe('permissions_denied');
    expect(callback?.headers.location).toBe('/failed');
    expect((await followApp(agent, callback!)).body).toEqual({
      messages: ['You did not allow access to your Bitbucket account.'],
    });
    expect(callsTo(bitbucket, 'requestToken')).toHaveLength(1);
    expect(callsTo(bitbucket, 'accessToken')).toEqual([]);
  });

  it('an application link that lacks the consumer\'s public key refuses the signature: a TokenError "signature_invalid"', async () => {
    bitbucket = await createMockBitbucket({ autoApprove: true, clients: [{ ...DC_CLIENT, publicKey: undefined }] });
    await reserveAppURL();
    strategy = new BitbucketStrategy(
      { baseURL: bitbucket.url, consumerKey: CONSUMER_KEY, privateKey, callbackURL: appCallbackURL() },
      (_t, _s, profile, done) => done(null, profile),
    );
    app = await startApp(strategy);
    expect((await app.agent().get('/login')).status).toBe(500);
    const err = app.errors[0] as TokenError;
    expect(err).toBeInstanceOf(TokenError);
    expect({ message: err.message, code: err.code, status: err.status }).toEqual({
      message: 'signature_invalid',
      code: 'signature_invalid',
      status: 401,
    });
  });

  it('a consumer signing with HMAC-SHA1 is refused by Data Center: a TokenError "signature_method_rejected"', async () => {
    bitbucket = await createMockBitbucket({ autoApprove: true, clients: [DC_CLIENT] });
    await reserveAppURL();
    strategy = new BitbucketStrategy(
      {
        baseURL: bitbucket.url,
        consumerKey: CONSUMER_KEY,
        consumerSecret: DC_CLIENT.clientSecret,
        callbackURL: appCallbackURL(),
      },
      (_token, _tokenSecret, profile, done) => done(null, profile),
    );
    app = await startApp(strategy);
    expect((await app.agent().get('/login')).status).toBe(500);
    const err = app.errors[0] as TokenError;
    expect(err).toBeInstanceOf(TokenError);
    expect({ message: err.message, code: err.code, status: err.status }).toEqual({
      message: 'signature_method_rejected',
      code: 'signature_method_rejected',
      status: 401,
    });
  });
});
