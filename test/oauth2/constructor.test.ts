import { BitbucketOAuth2Strategy, type BitbucketOAuth2StrategyOptions } from 'passport-bitbucket-oauth';

const verify = (): void => undefined;
const valid: BitbucketOAuth2StrategyOptions = { clientID: 'key', clientSecret: 'secret' };

/** Builds a strategy from options the type checker would refuse, as plain JavaScript users may pass them. */
function construct(options: unknown, verifyFn: unknown = verify): BitbucketOAuth2Strategy {
  return new BitbucketOAuth2Strategy(options as BitbucketOAuth2StrategyOptions, verifyFn as () => void);
}

describe('the BitbucketOAuth2Strategy constructor', () => {
  it('requires a verify callback', () => {
    expect(() => new BitbucketOAuth2Strategy(valid, undefined as never)).toThrow(
      new TypeError('BitbucketOAuth2Strategy requires a verify callback'),
    );
    expect(() => construct(valid, 'verify')).toThrow(
      new TypeError('BitbucketOAuth2Strategy requires a verify callback'),
    );
  });

  it('requires clientID', () => {
    expect(() => construct({ clientSecret: 'secret' })).toThrow(
      new TypeError('BitbucketOAuth2Strategy requires a clientID option'),
    );
    // Given but empty (`process.env.BITBUCKET_CLIENT_ID ?? ''` with the variable unset): said so.
    expect(() => construct({ clientID: '', clientSecret: 'secret' })).toThrow(
      new TypeError('clientID must be a non-empty string, got ""'),
    );
    expect(() => construct(undefined)).toThrow(new TypeError('BitbucketOAuth2Strategy requires a clientID option'));
  });

  it('requires clientSecret', () => {
    expect(() => construct({ clientID: 'key' })).toThrow(
      new TypeError('BitbucketOAuth2Strategy requires a clientSecret option'),
    );
    expect(() => construct({ clientID: 'key', clientSecret: 42 })).toThrow(
      new TypeError('clientSecret must be a non-empty string, got a number'),
    );
    expect(() => construct({ clientID: 'key', clientSecret: '' })).toThrow(
      new TypeError('clientSecret must be a non-empty string, got an empty string'),
    );
    expect(() => construct({ clientID: 'key', clientSecret: '  ' })).toThrow(
      new TypeError('clientSecret must be a non-empty string, got a blank string'),
    );
  });

  it('refuses a baseURL that is not an absolute URL', () => {
    expect(() => construct({ ...valid, baseURL: 'bitbucket.example.com' })).toThrow(
      new TypeError('baseURL must be an absolute https URL, got "bitbucket.example.com"'),
    );
    expect(() => construct({ ...valid, baseURL: '' })).toThrow(
      new TypeError('baseURL must be an absolute https URL, got ""'),
    );
  });

  it('refuses a baseURL that is not http(s)', () => {
    expect(() => construct({ ...valid, baseURL: 'ftp://bitbucket.example.com' })).toThrow(
      new TypeError(
        'baseURL must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "ftp://bitbucket.example.com"',
      ),
    );
  });

  it('refuses a baseURL with a query, a fragment or credentials', () => {
    const message = 'baseURL must not carry a query, a fragment or credentials';
    expect(() => construct({ ...valid, baseURL: 'https://bitbucket.example.com/?x=1' })).toThrow(
      new TypeError(message),
    );
    expect(() => construct({ ...valid, baseURL: 'https://bitbucket.example.com/#top' })).toThrow(
      new TypeError(message),
    );
    expect(() => construct({ ...valid, baseURL: 'https://admin:pw@bitbucket.example.com' })).toThrow(
      new TypeError('baseURL must not carry credentials (user:password@), got "https://…@bitbucket.example.com"'),
    );
  });

  it.each(['baseURL', 'authorizationURL', 'tokenURL', 'userProfileURL', 'userEmailsURL', 'userWorkspacesURL'])(
    'refuses credentials in %s, and never repeats them',
    (name) => {
      const shown = (value: string): string => {
        try {
          construct({ ...valid, [name]: value });
          return 'accepted';
        } catch (err) {
          return (err as Error).message;
        }
      };
      expect(shown('https://id:SECRET@bitbucket.example.com/x')).toBe(
        `${name} must not carry credentials (user:password@), got "https://…@bitbucket.example.com/x"`,
      );
      expect(shown('http://id:SECRET@evil.example.com/x')).toBe(
        `${name} must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "http://…@evil.example.com/x"`,
      );
      // Not a URL at all, and still not repeated.
      expect(shown('id:SECRET@')).not.toContain('SECRET');
      expect(shown('//id:SECRET@host')).not.toContain('SECRET');
    },
  );

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1000'])('refuses timeout %p', (timeout) => {
    expect(() => construct({ ...valid, timeout })).toThrow(
      new TypeError(
        `timeout must be a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got ${typeof timeout === 'string' ? JSON.stringify(timeout) : String(timeout)}`,
      ),
    );
  });

  it('refuses a maxResponseBytes or maxEmailPages that is not a positive integer', () => {
    expect(() => construct({ ...valid, maxResponseBytes: 0 })).toThrow(
      new TypeError('maxResponseBytes must be a positive integer, got 0'),
    );
    expect(() => construct({ ...valid, maxEmailPages: -3 })).toThrow(
      new TypeError('maxEmailPages must be a positive integer, got -3'),
    );
  });

  it('refuses PKCE without state, as passport-oauth2 does', () => {
    expect(() => construct({ ...valid, pkce: true, state: false })).toThrow(
      new TypeError('pkce needs state: the code verifier is kept with the pending sign-in; remove state: false'),
    );
  });

  it('refuses a pkce method other than S256 or plain at construction, not at the first login', () => {
    expect(() => construct({ ...valid, pkce: 'S512' })).toThrow(
      new TypeError(`pkce must be true, false, 'S256' or 'plain', got "S512"`),
    );
    expect(() => construct({ ...valid, pkce: 's256' })).toThrow(
      new TypeError(`pkce must be true, false, 'S256' or 'plain', got "s256"`),
    );
  });

  it('refuses an unknown clientAuthentication instead of silently posting the secret in the body', () => {
    expect(() => construct({ ...valid, clientAuthentication: 'Basic' })).toThrow(
      new TypeError(`clientAuthentication must be 'basic' or 'body', got "Basic"`),
    );
  });

  it('accepts every documented pkce and clientAuthentication value', () => {
    // 'plain' earns a process warning: expected here, and kept out of the test run's output.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      for (const pkce of [true, false, 'S256', 'plain'])
        expect(construct({ ...valid, pkce }).name).toBe('bitbucket-oauth2');
      expect(emitWarning.mock.calls.map((call) => call[1]?.code)).toEqual(['PASSPORT_BITBUCKET_PKCE_PLAIN']);
    } finally {
      emitWarning.mockRestore();
    }
    for (const clientAuthentication of ['basic', 'body'])
      expect(construct({ ...valid, clientAuthentication }).name).toBe('bitbucket-oauth2');
  });

  it('treats a baseURL on bitbucket.org as Bitbucket Cloud', () => {
    expect(construct({ ...valid, baseURL: 'https://bitbucket.org' }).deployment).toBe('cloud');
    expect(construct({ ...valid, baseURL: 'https://api.bitbucket.org/' }).deployment).toBe('cloud');
  });

  it('treats any other baseURL as Data Center, with a trailing slash or a context path', () => {
    expect(construct({ ...valid, baseURL: 'https://bitbucket.example.com/' }).deployment).toBe('datacenter');
    expect(construct({ ...valid, baseURL: 'https://example.com/bitbucket' }).deployment).toBe('datacenter');
  });
});
