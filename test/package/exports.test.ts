/**
 * What the BUILT package exports: dist/index.js and dist/testing/index.js, loaded by Node's own
 * `require` (not through ts-jest and the moduleNameMapper that points the other tests at lib/).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MAIN_EXPORTS, TESTING_EXPORTS } from './public-names';

const root = path.resolve(__dirname, '../..');
const nodeRequire = createRequire(__filename);

function load(file: string): Record<string, unknown> {
  const loaded: unknown = nodeRequire(path.join(root, file));
  if (typeof loaded !== 'object' || loaded === null) throw new TypeError(`${file} did not export an object`);
  return loaded as Record<string, unknown>;
}

/** A constructor, as far as these tests need one. */
type Constructor = new (...args: unknown[]) => object;

function isClass(value: unknown): value is Constructor {
  return typeof value === 'function' && typeof (value as { prototype?: unknown }).prototype === 'object';
}

function classOf(exports: Record<string, unknown>, name: string): Constructor {
  const value = exports[name];
  if (!isClass(value)) throw new TypeError(`${name} is not a class`);
  return value;
}

const verify = (): void => undefined;

let main: Record<string, unknown>;
let testing: Record<string, unknown>;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-dist.js')], { cwd: root, stdio: 'inherit' });
  main = load('dist/index.js');
  testing = load('dist/testing/index.js');
}, 60_000);

describe('passport-bitbucket-oauth (dist/index.js)', () => {
  it('exports exactly the documented names, and nothing by accident', () => {
    expect(Object.keys(main).sort()).toEqual([...MAIN_EXPORTS].sort());
  });

  it('is a CommonJS module marked as transpiled from ES modules', () => {
    expect(main.__esModule).toBe(true);
    expect(main.default).toBeUndefined();
  });

  it.each(['BitbucketStrategy', 'BitbucketOAuth2Strategy', 'BitbucketAPIError', 'TokenError'])(
    'exports %s as a class',
    (name) => {
      expect(isClass(main[name])).toBe(true);
    },
  );

  it.each([
    'parseCloudProfile',
    'parseDataCenterProfile',
    'parseEmailsPage',
    'orderEmails',
    'splitName',
    'parseTokenResponse',
    'oauth1Endpoints',
    'oauth2Endpoints',
  ])('exports %s as a function', (name) => {
    expect(typeof main[name]).toBe('function');
  });

  it('exports the Bitbucket Cloud URLs as strings', () => {
    expect(main.CLOUD_SITE_URL).toBe('https://bitbucket.org');
    expect(main.CLOUD_API_URL).toBe('https://api.bitbucket.org');
  });

  it('aliases Strategy to BitbucketStrategy and OAuth2Strategy to BitbucketOAuth2Strategy, as passport-* packages do', () => {
    expect(main.Strategy).toBe(main.BitbucketStrategy);
    expect(main.OAuth2Strategy).toBe(main.BitbucketOAuth2Strategy);
  });

  it("re-exports passport-oauth2's own error classes, so `instanceof` works with errors from either package", () => {
    const passportOAuth2 = nodeRequire('passport-oauth2') as Record<string, unknown>;
    expect(main.TokenError).toBe(passportOAuth2.TokenError);
    expect(main.AuthorizationError).toBe(passportOAuth2.AuthorizationError);
    expect(main.InternalOAuthError).toBe(passportOAuth2.InternalOAuthError);
  });

  it('builds BitbucketAPIError as an Error that carries its code and status', () => {
    const BitbucketAPIError = classOf(main, 'BitbucketAPIError');
    const err = new BitbucketAPIError('https://api.bitbucket.org/2.0/user answered 500', { code: 'http', status: 500 });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'BitbucketAPIError', code: 'http', status: 500 });
  });

  it("names the OAuth 2.0 strategy 'bitbucket-oauth2'", () => {
    const BitbucketOAuth2Strategy = classOf(main, 'BitbucketOAuth2Strategy');
    const strategy = new BitbucketOAuth2Strategy({ clientID: 'key', clientSecret: 'secret' }, verify);
    expect(strategy).toMatchObject({ name: 'bitbucket-oauth2' });
    expect(typeof (strategy as { authenticate?: unknown }).authenticate).toBe('function');
  });

  it("names the OAuth 1.0a strategy 'bitbucket'", () => {
    const BitbucketStrategy = classOf(main, 'BitbucketStrategy');
    const strategy = new BitbucketStrategy(
      { consumerKey: 'key', consumerSecret: 'secret', callbackURL: 'https://app.example.com/cb' },
      verify,
    );
    expect(strategy).toMatchObject({ name: 'bitbucket' });
    expect(typeof (strategy as { authenticate?: unknown }).authenticate).toBe('function');
  });
});

describe('passport-bitbucket-oauth/testing (dist/testing/index.js)', () => {
  it('exports exactly the mock server factory and its defaults', () => {
    expect(Object.keys(testing).sort()).toEqual([...TESTING_EXPORTS].sort());
  });

  it('exports createMockBitbucket as a function and the defaults as frozen data', () => {
    expect(typeof testing.createMockBitbucket).toBe('function');
    expect(testing.DEFAULT_CLIENT).toEqual(
      expect.objectContaining({ clientId: expect.any(String), clientSecret: expect.any(String) }),
    );
    expect(Object.isFrozen(testing.DEFAULT_CLIENT)).toBe(true);
    expect(Array.isArray(testing.DEFAULT_USERS)).toBe(true);
    expect(Object.isFrozen(testing.DEFAULT_USERS)).toBe(true);
  });
});
