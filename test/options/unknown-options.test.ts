/**
 * Issues 19 and 21: no option is silently ignored. An option neither strategy knows is a TypeError at
 * construction naming the nearest known option and the strategy that takes it (`workspace: ['acme']` would
 * otherwise switch the access gate off); the other strategy's options name that strategy; every option
 * passport-oauth2 and passport-oauth1 read stays accepted; a verify callback that cannot receive `done` is
 * refused before the first sign-in would fail with "done is not a function".
 */
import { BitbucketOAuth2Strategy, BitbucketStrategy } from 'passport-bitbucket-oauth';
import { buildOAuth1, buildOAuth2, CALLBACK, messageOf, oauth1, oauth2 } from './helpers';

describe('a misspelt option is refused, naming the nearest known one', () => {
  it.each([
    ['workspace', ['acme'], 'workspaces'],
    ['scopes', ['account'], 'scope'],
    ['clientSecrect', 'secret', 'clientSecret'],
    ['clientSecretKey', 'secret', 'clientSecret'],
    ['readWorkspace', true, 'readWorkspaces'],
    ['maxPendingLogin', 3, 'maxPendingLogins'],
    ['userEmailURL', 'https://api.bitbucket.org/2.0/user/emails', 'userEmailsURL'],
  ])('OAuth 2.0: %s', (name, value, meant) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, [name]: value }))).toBe(
      `BitbucketOAuth2Strategy has no option ${name}: did you mean ${meant}?`,
    );
  });

  it.each([
    ['workspace', ['acme'], 'workspaces'],
    ['consumerSecrect', 'secret', 'consumerSecret'],
    ['signatureMethods', 'HMAC-SHA1', 'signatureMethod'],
  ])('OAuth 1.0a: %s', (name, value, meant) => {
    expect(messageOf(() => buildOAuth1({ ...oauth1, [name]: value }))).toBe(
      `BitbucketStrategy has no option ${name}: did you mean ${meant}?`,
    );
  });

  it('an option far from every known one says so and lists what is accepted', () => {
    const message = messageOf(() => buildOAuth2({ ...oauth2, colour: 'blue' }));
    expect(message).toMatch(/^BitbucketOAuth2Strategy has no option colour\. Its options: /);
    expect(message).toContain('workspaces');
    expect(message).not.toContain('consumerKey');
  });

  it('an option named like an Object.prototype member is an unknown option, not a crash', () => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, toString: 'x' }))).toMatch(/has no option toString/);
    const withProto = JSON.parse(`{"clientID":"key","clientSecret":"secret","__proto__":{"a":1}}`) as object;
    expect(messageOf(() => buildOAuth2({ ...withProto, callbackURL: CALLBACK }))).toMatch(/has no option __proto__/);
  });
});

describe('an option the options object inherits is refused, not left out', () => {
  it("a config class's getter (a workspaces gate that would be off)", () => {
    class Config {
      constructor() {
        Object.assign(this, oauth2);
      }

      get workspaces(): string[] {
        return ['acme'];
      }
    }
    expect(messageOf(() => buildOAuth2(new Config()))).toBe(
      "workspaces is inherited from the options object's prototype, and options are read from its own properties " +
        'only: pass a plain object (an object literal), with every option as an own property',
    );
  });

  it('a value of Object.create(defaults), misspelt or not', () => {
    const options = Object.assign(Object.create({ timout: 5 }) as object, oauth2);
    expect(messageOf(() => buildOAuth1(Object.assign(Object.create({ timeout: 5 }) as object, oauth1)))).toMatch(
      /^timeout is inherited/,
    );
    expect(messageOf(() => buildOAuth2(options))).toMatch(/^timout is inherited/);
  });

  it('a class with methods only, and a null-prototype object, are fine', () => {
    class Config {
      constructor() {
        Object.assign(this, oauth2);
      }

      describe(): string {
        return 'config';
      }
    }
    expect(() => buildOAuth2(new Config())).not.toThrow();
    expect(() => buildOAuth2(Object.assign(Object.create(null) as object, oauth2))).not.toThrow();
  });
});

describe("the other strategy's options name the strategy that takes them (issue 21)", () => {
  it('OAuth 2.0 credentials given to BitbucketStrategy name BitbucketOAuth2Strategy', () => {
    const message = messageOf(() => buildOAuth1({ ...oauth2 }));
    expect(message).toMatch(/^BitbucketStrategy has no option clientID: it is an option of BitbucketOAuth2Strategy/);
    expect(message).toContain('OAuth 2.0');
    expect(message).toContain('consumerKey');
  });

  it('OAuth 1.0a credentials given to BitbucketOAuth2Strategy name BitbucketStrategy', () => {
    const message = messageOf(() => buildOAuth2({ ...oauth1 }));
    expect(message).toMatch(/^BitbucketOAuth2Strategy has no option consumerKey: it is an option of BitbucketStrategy/);
    expect(message).toContain('OAuth 1.0a');
    expect(message).toContain('clientID');
  });

  it.each([
    ['privateKey', 'x', 'BitbucketStrategy'],
    ['tokenURL', 'https://bitbucket.org/site/oauth2/access_token', 'BitbucketOAuth2Strategy'],
    ['pkce', true, 'BitbucketOAuth2Strategy'],
    ['signatureMethod', 'HMAC-SHA1', 'BitbucketStrategy'],
  ])('%s given to the wrong strategy', (name, value, owner) => {
    const build = owner === 'BitbucketStrategy' ? buildOAuth2 : buildOAuth1;
    expect(messageOf(() => build({ ...(owner === 'BitbucketStrategy' ? oauth2 : oauth1), [name]: value }))).toContain(
      `it is an option of ${owner}`,
    );
  });

  it("a misspelling of the other strategy's option says which strategy takes it", () => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, privatekey: 'x' }))).toBe(
      'BitbucketOAuth2Strategy has no option privatekey: did you mean privateKey (an option of BitbucketStrategy, OAuth 1.0a)?',
    );
  });
});

describe('every option passport-oauth2 and passport-oauth1 read stays accepted', () => {
  const stateStore = { store: () => undefined, verify: () => undefined };
  const tokenStore = { get: () => undefined, set: () => undefined, destroy: () => undefined };

  it.each<[string, unknown]>([
    ['authorizationURL', 'https://bitbucket.org/site/oauth2/authorize'],
    ['tokenURL', 'https://bitbucket.org/site/oauth2/access_token'],
    ['scope', ['account', 'email']],
    ['scopeSeparator', ','],
    ['sessionKey', 'oauth2:bitbucket'],
    ['store', stateStore],
    ['state', true],
    ['pkce', true],
    ['proxy', true],
    ['passReqToCallback', false],
    ['skipUserProfile', false],
  ])('OAuth 2.0: %s', (name, value) => {
    expect(buildOAuth2({ ...oauth2, [name]: value })).toBeInstanceOf(BitbucketOAuth2Strategy);
  });

  it.each<[string, unknown]>([
    ['requestTokenURL', 'https://bitbucket.org/api/1.0/oauth/request_token/'],
    ['accessTokenURL', 'https://bitbucket.org/api/1.0/oauth/access_token/'],
    ['userAuthorizationURL', 'https://bitbucket.org/api/1.0/oauth/authenticate/'],
    ['signatureMethod', 'PLAINTEXT'],
    ['sessionKey', 'oauth'],
    ['store', tokenStore],
    ['requestTokenStore', tokenStore],
    ['proxy', true],
    ['passReqToCallback', false],
    ['skipUserProfile', false],
  ])('OAuth 1.0a: %s', (name, value) => {
    expect(buildOAuth1({ ...oauth1, [name]: value })).toBeInstanceOf(BitbucketStrategy);
  });

  it('OAuth 1.0a: store and requestTokenStore together are refused (passport-oauth1 would pick one silently)', () => {
    expect(messageOf(() => buildOAuth1({ ...oauth1, store: tokenStore, requestTokenStore: tokenStore }))).toMatch(
      /^store and requestTokenStore/,
    );
  });
});

describe('a verify callback that cannot receive done is refused at construction (issue 21)', () => {
  const arities: [number, unknown][] = [
    [1, (_a: unknown) => undefined],
    [2, (_a: unknown, _b: unknown) => undefined],
    [3, (_a: unknown, _b: unknown, _c: unknown) => undefined],
    [7, (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown, _f: unknown, _g: unknown) => undefined],
  ];

  it.each(arities)('OAuth 2.0: %i parameters', (count, fn) => {
    const message = messageOf(() => buildOAuth2(oauth2, fn));
    expect(message).toContain(`BitbucketOAuth2Strategy's verify callback declares ${count} parameter`);
    expect(message).toContain('(accessToken, refreshToken, profile, done)');
    expect(message).toContain('(accessToken, refreshToken, params, profile, done)');
    expect(message).toContain('passReqToCallback');
  });

  it.each(arities)('OAuth 1.0a: %i parameters', (count, fn) => {
    const message = messageOf(() => buildOAuth1(oauth1, fn));
    expect(message).toContain(`BitbucketStrategy's verify callback declares ${count} parameter`);
    expect(message).toContain('(token, tokenSecret, profile, done)');
  });

  it('six parameters without passReqToCallback: the req-first form, whose done would be missing', () => {
    const six = (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown, _f: unknown): void => undefined;
    expect(messageOf(() => buildOAuth2(oauth2, six))).toContain('declares 6 parameters');
    expect(messageOf(() => buildOAuth1(oauth1, six))).toContain('declares 6 parameters');
  });

  it('with passReqToCallback, four parameters leave no room for done', () => {
    const fn = (_r: unknown, _a: unknown, _b: unknown, _c: unknown): void => undefined;
    expect(messageOf(() => buildOAuth2({ ...oauth2, passReqToCallback: true }, fn))).toContain(
      '(req, accessToken, refreshToken, profile, done)',
    );
  });

  it('accepts the documented forms, and a rest-parameter verify (length 0) as NestJS builds it', () => {
    const rest = (...args: unknown[]): unknown => args;
    expect(rest.length).toBe(0);
    const four = (_a: unknown, _b: unknown, _c: unknown, _d: unknown): void => undefined;
    const five = (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown): void => undefined;
    const six = (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown, _f: unknown): void => undefined;
    for (const fn of [rest, four, five]) {
      expect(buildOAuth2(oauth2, fn)).toBeInstanceOf(BitbucketOAuth2Strategy);
      expect(buildOAuth1(oauth1, fn)).toBeInstanceOf(BitbucketStrategy);
    }
    for (const fn of [rest, five, six]) {
      expect(buildOAuth2({ ...oauth2, passReqToCallback: true }, fn)).toBeInstanceOf(BitbucketOAuth2Strategy);
      expect(buildOAuth1({ ...oauth1, passReqToCallback: true }, fn)).toBeInstanceOf(BitbucketStrategy);
    }
  });
});

describe('every URL option that receives a token or a secret is https (loopback excepted): one rule', () => {
  const oauth2URLs = ['authorizationURL', 'tokenURL', 'userProfileURL', 'userEmailsURL', 'userWorkspacesURL'];
  const oauth1URLs = [
    'requestTokenURL',
    'accessTokenURL',
    'userAuthorizationURL',
    'userProfileURL',
    'userEmailsURL',
    'userWorkspacesURL',
  ];

  it.each(oauth2URLs)('OAuth 2.0 %s: http on another host is refused, loopback accepted', (name) => {
    expect(messageOf(() => buildOAuth2({ ...oauth2, [name]: 'http://bitbucket.example.com/x' }))).toMatch(
      new RegExp(
        `^${name} must use https \\(http is accepted only for loopback: 127\\.0\\.0\\.0\\/8, ::1, localhost, \\*\\.localhost\\)`,
      ),
    );
    expect(buildOAuth2({ ...oauth2, [name]: 'http://127.0.0.1:9/x' })).toBeInstanceOf(BitbucketOAuth2Strategy);
  });

  it.each(oauth1URLs)('OAuth 1.0a %s: http on another host is refused, loopback accepted', (name) => {
    expect(messageOf(() => buildOAuth1({ ...oauth1, [name]: 'http://bitbucket.example.com/x' }))).toMatch(
      new RegExp(`^${name} must use https`),
    );
    expect(buildOAuth1({ ...oauth1, [name]: 'http://[::1]:9/x' })).toBeInstanceOf(BitbucketStrategy);
  });

  it('userWorkspacesURL with readWorkspaces: http on another host is refused in both strategies', () => {
    const url = 'http://api.bitbucket.example/2.0/user/workspaces';
    expect(messageOf(() => buildOAuth2({ ...oauth2, readWorkspaces: true, userWorkspacesURL: url }))).toMatch(
      /^userWorkspacesURL must use https/,
    );
    expect(messageOf(() => buildOAuth1({ ...oauth1, workspaces: ['acme'], userWorkspacesURL: url }))).toMatch(
      /^userWorkspacesURL must use https/,
    );
  });
});

describe("passport-bitbucket's API 1.0 userProfileURL (removed by Bitbucket in 2019)", () => {
  it.each(['https://api.bitbucket.org/1.0/user/', 'https://api.bitbucket.org/1.0/user'])(
    'is refused with the API 2.0 URL to use instead: %s',
    (url) => {
      expect(messageOf(() => buildOAuth1({ ...oauth1, userProfileURL: url }))).toBe(
        'userProfileURL points at API 1.0 (/1.0/user' +
          (url.endsWith('/') ? '/' : '') +
          '), which Bitbucket removed in 2019: use API 2.0, https://api.bitbucket.org/2.0/user',
      );
    },
  );

  it("is not confused with Data Center's REST paths or API 2.0", () => {
    expect(() => buildOAuth2({ ...oauth2, userProfileURL: 'https://api.bitbucket.org/2.0/user' })).not.toThrow();
    expect(() =>
      buildOAuth2({
        ...oauth2,
        baseURL: 'https://bitbucket.example.com',
        userEmailsURL: 'https://bitbucket.example.com/rest/api/1.0/users/',
        userProfileURL: 'https://bitbucket.example.com/rest/api/1.0/users',
      }),
    ).not.toThrow();
  });
});
