/**
 * Every option is checked when a strategy is built (issue 14, point 5): a mistake is a TypeError naming the
 * option, what was given (JSON-quoted, never a secret) and what is accepted, instead of a sign-in that fails
 * later, or never fails and does the wrong thing. Through the public constructors only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';
import { buildOAuth1, buildOAuth2, CALLBACK, messageOf, oauth1, oauth2, verify } from './helpers';

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('the mistakes of issue 14, each refused at construction with an exact message', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['emails as text', { emails: 'false' }, 'emails must be true or false, got "false"'],
    ['a scope that is a number', { scope: 5 }, 'scope must be a string or an array of strings, got 5'],
    ['state as text', { state: 'yes' }, 'state must be true or false, got "yes"'],
    [
      'a timeout as text',
      { timeout: '5000' },
      `timeout must be a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got "5000"`,
    ],
  ])('OAuth 2.0: %s', (_what, extra, message) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, ...extra }))).toBe(message);
  });

  it('OAuth 1.0a: a signature method Bitbucket does not know (it would fail at login: "Could not verify OAuth request.")', () => {
    expect(messageOf(() => buildOAuth1({ ...oauth1, signatureMethod: 'HMAC-SHA256' }))).toBe(
      `signatureMethod must be 'HMAC-SHA1', 'PLAINTEXT' or 'RSA-SHA1', got "HMAC-SHA256"`,
    );
  });

  it('OAuth 1.0a: a privateKey that is not PEM, said without echoing it', () => {
    const message = messageOf(() =>
      buildOAuth1({ consumerKey: 'key', privateKey: 'not a pem', callbackURL: CALLBACK }),
    );
    expect(message).toBe(
      'privateKey is not PEM text: expected "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----"',
    );
  });

  it('OAuth 1.0a: no callbackURL (passport-oauth1 would send oauth_callback=oob and strand the user)', () => {
    expect(messageOf(() => buildOAuth1({ consumerKey: 'key', consumerSecret: 'secret' }))).toMatch(
      /^BitbucketStrategy requires a callbackURL option$/,
    );
  });
});

describe('every other OAuth 2.0 option', () => {
  it.each<[string, unknown, string]>([
    ['maxResponseBytes', 1.5, 'a positive integer, got 1.5'],
    ['maxEmailPages', 0, 'a positive integer, got 0'],
    ['timeout', Number.NaN, 'a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got NaN'],
    // Node would run a longer timer after 1 ms: every call to Bitbucket would time out at once.
    ['timeout', 2 ** 31, 'a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got 2147483648'],
    ['timeout', 1e12, 'a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got 1000000000000'],
    ['name', '', 'a non-empty string, got ""'],
    ['sessionKey', ['oauth2'], 'a non-empty string, got ["oauth2"]'],
    ['proxy', 'true', 'true or false, got "true"'],
    ['passReqToCallback', 1, 'true or false, got 1'],
    ['skipUserProfile', 'yes', 'true, false or a function (token…, done) => done(null, skip), got "yes"'],
    ['scope', [], 'a string or an array of strings, got []'],
    ['scope', ['account', 7], 'a string or an array of strings, got ["account",7]'],
    ['scopeSeparator', null, 'a string, got null'],
    ['store', {}, 'true, false or a state store (an object with store(), verify()), got {}'],
    ['pkce', 'S512', `true, false, 'S256' or 'plain', got "S512"`],
    ['clientAuthentication', 'Basic', `'basic' or 'body', got "Basic"`],
    ['clientID', 42, 'a non-empty string, got 42'],
  ])('%s = %p', (name, value, accepted) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, [name]: value }))).toBe(`${name} must be ${accepted}`);
  });

  it('accepts every documented value', () => {
    const store = { store: verify, verify };
    for (const extra of [
      { emails: false, state: true, proxy: false, passReqToCallback: false, skipUserProfile: () => undefined },
      { scope: ['account', 'email'], scopeSeparator: ',', store, pkce: 'S256', clientAuthentication: 'body' },
      { timeout: 1, maxResponseBytes: 1024, maxEmailPages: 3, name: 'bb', sessionKey: 'bb:login', store: true },
      { userProfileURL: 'http://127.0.0.1:9/2.0/user', tokenURL: 'https://bitbucket.org/site/oauth2/access_token' },
      { timeout: undefined, scope: 'account' },
    ]) {
      expect(buildOAuth2({ ...oauth2, ...extra })).toBeInstanceOf(BitbucketOAuth2Strategy);
    }
  });

  it('never echoes the client secret, whatever its type', () => {
    for (const clientSecret of [42, { value: 'hunter2-secret' }, ['hunter2-secret'], true]) {
      const message = messageOf(() => buildOAuth2({ ...oauth2, clientSecret }));
      expect(message).toMatch(/^clientSecret must be a non-empty string, got an? (number|object|array|boolean)$/);
      expect(message).not.toContain('hunter2');
    }
  });

  it('shortens a long value to 80 characters', () => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, emails: `/${'t'.repeat(200)}` }))).toBe(
      `emails must be true or false, got "/${'t'.repeat(79)}…"`,
    );
  });

  it('describes values JSON cannot quote', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const cases: [unknown, string][] = [
      [() => true, 'a function'],
      [Symbol('yes'), 'a symbol'],
      [10n, '10n'],
      [circular, 'an object that is not JSON'],
      [null, 'null'],
    ];
    for (const [emails, shown] of cases) {
      expect(messageOf(() => buildOAuth2({ ...oauth2, emails }))).toBe(`emails must be true or false, got ${shown}`);
    }
    expect(messageOf(() => buildOAuth2({ ...oauth2, clientSecret: 10n }))).toBe(
      'clientSecret must be a non-empty string, got a bigint',
    );
  });

  it('refuses options that are not an object', () => {
    expect(messageOf(() => buildOAuth2('clientID=key'))).toBe('options must be an object, got a string');
  });
});

describe('the URLs, checked by the same rules as the strategies (absolute; https unless loopback)', () => {
  it.each<[string, unknown, string]>([
    ['userProfileURL', '/2.0/user', 'userProfileURL must be an absolute https URL, got "/2.0/user"'],
    [
      'userEmailsURL',
      'ftp://api.example.com/e',
      'userEmailsURL must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "ftp://api.example.com/e"',
    ],
    [
      'authorizationURL',
      'bitbucket.org/site/oauth2/authorize',
      'authorizationURL must be an absolute https URL, got "bitbucket.org/site/oauth2/authorize"',
    ],
    [
      'tokenURL',
      'http://bitbucket.example.com/token',
      'tokenURL must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "http://bitbucket.example.com/token"',
    ],
  ])('OAuth 2.0 %s = %p', (name, value, message) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, [name]: value }))).toBe(message);
  });

  it.each(['requestTokenURL', 'userAuthorizationURL', 'accessTokenURL'])('OAuth 1.0a %s', (name) => {
    expect(messageOf(() => buildOAuth1({ ...oauth1, [name]: '/oauth' }))).toBe(
      `${name} must be an absolute https URL, got "/oauth"`,
    );
  });

  it('a callbackURL that is not absolute, for both strategies', () => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, callbackURL: 3000 }))).toMatch(
      /^callbackURL must be an absolute http\(s\) URL .*, got 3000/,
    );
    expect(messageOf(() => buildOAuth1({ ...oauth1, callbackURL: '/cb' }))).toMatch(
      /^callbackURL must be an absolute http\(s\) URL .*, got "\/cb"/,
    );
  });
});

describe('options spelt otherwise, or from the older Bitbucket strategies, which passport would ignore', () => {
  it.each([
    ['callbackUrl', 'BitbucketOAuth2Strategy has no option callbackUrl: did you mean callbackURL?'],
    ['clientSecretKey', 'BitbucketOAuth2Strategy has no option clientSecretKey: did you mean clientSecret?'],
    ['Timeout', 'BitbucketOAuth2Strategy has no option Timeout: did you mean timeout?'],
  ])('OAuth 2.0 %s', (name, message) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, [name]: 'x' }))).toBe(message);
  });

  it('says "did you mean clientID" before "requires a clientID option"', () => {
    expect(messageOf(() => buildOAuth2({ clientId: 'key', clientSecret: 'secret' }))).toBe(
      'BitbucketOAuth2Strategy has no option clientId: did you mean clientID?',
    );
  });

  it.each([
    ['includeEmail', true, /^includeEmail is passport-bitbucket's option: .*emails: false/],
    ['skipEmails', true, /^skipEmails is passport-bitbucket-oauth20's option: write emails: false$/],
    ['userAgent', 'my-app', /^userAgent is not an option here/],
    ['customHeaders', { 'User-Agent': 'x' }, /^customHeaders is not an option here: .*HTTP Basic/],
  ])('%s', (name, value, message) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, [name]: value }))).toMatch(message);
    expect(messageOf(() => buildOAuth1({ ...oauth1, [name]: value }))).toMatch(message);
  });
});

describe('OAuth 1.0a signing keys', () => {
  const withKey = (privateKey: unknown, extra: object = {}): BitbucketStrategy =>
    buildOAuth1({
      baseURL: 'https://bitbucket.example.com',
      consumerKey: 'key',
      privateKey,
      callbackURL: CALLBACK,
      ...extra,
    });

  it('accepts an RSA private key in PKCS#8 and PKCS#1 PEM', () => {
    const pkcs1 = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(withKey(rsa.privateKey).name).toBe('bitbucket');
    expect(withKey(pkcs1.privateKey, { signatureMethod: 'RSA-SHA1' }).name).toBe('bitbucket');
  });

  it('refuses RSA-SHA1 on Bitbucket Cloud, which signs with HMAC-SHA1 only (no baseURL, or bitbucket.org)', () => {
    const message =
      "signatureMethod 'RSA-SHA1' (a privateKey) is for Bitbucket Data Center application links: give baseURL, " +
      "the address of your Data Center; Bitbucket Cloud takes 'HMAC-SHA1' with the consumerSecret";
    expect(messageOf(() => withKey(rsa.privateKey, { baseURL: undefined }))).toBe(message);
    expect(messageOf(() => withKey(rsa.privateKey, { baseURL: 'https://bitbucket.org' }))).toBe(message);
  });

  it('refuses a consumerSecret beside the privateKey: RSA-SHA1 would never use it', () => {
    expect(messageOf(() => withKey(rsa.privateKey, { consumerSecret: 'secret' }))).toBe(
      "consumerSecret is not used with signatureMethod 'RSA-SHA1' (the privateKey signs): remove one of the two",
    );
  });

  it.each<[string, () => string, string]>([
    [
      'with \\n written out, as in an environment variable',
      () => rsa.privateKey.replace(/\n/g, '\\n'),
      'holds the characters \\n instead of line breaks',
    ],
    ['the public key', () => rsa.publicKey, 'is a public key or a certificate: give the private key'],
    [
      'an EC key',
      () =>
        generateKeyPairSync('ec', {
          namedCurve: 'P-256',
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        }).privateKey,
      'is a key of type ec: RSA-SHA1 needs an RSA key',
    ],
    [
      'an encrypted key',
      () =>
        generateKeyPairSync('rsa', {
          modulusLength: 1024,
          privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        }).privateKey,
      'is encrypted with a passphrase: decrypt it first',
    ],
    [
      'a damaged key',
      () => rsa.privateKey.replace(/[A-Za-z0-9+/]{64}\n/, '!!\n'),
      'could not be parsed as a PEM private key',
    ],
  ])('refuses %s, naming the problem and never the key', (_what, key, problem) => {
    const pem = key();
    const message = messageOf(() => withKey(pem));
    expect(message).toContain(`privateKey ${problem}`);
    expect(message).not.toContain(pem.split('\n')[1]?.slice(0, 20) ?? 'never');
    expect(message).not.toMatch(/DECODER|routines/);
  });

  it('refuses a privateKey given with an HMAC or PLAINTEXT signature, which would ignore it', () => {
    expect(messageOf(() => withKey(rsa.privateKey, { consumerSecret: 's', signatureMethod: 'PLAINTEXT' }))).toBe(
      `privateKey is used only with signatureMethod 'RSA-SHA1', got signatureMethod "PLAINTEXT"`,
    );
  });

  it('never echoes a privateKey that is not a string', () => {
    expect(messageOf(() => withKey({ pem: 'secret-key-material' }))).toBe(
      'privateKey must be a PEM-encoded RSA private key, got an object',
    );
  });

  it('refuses a request-token store without get, set and destroy', () => {
    expect(messageOf(() => buildOAuth1({ ...oauth1, store: { get: verify } }))).toBe(
      'store must be a request-token store (an object with get(), set(), destroy()), got {}',
    );
  });
});
