import { generateKeyPairSync } from 'node:crypto';
import { BitbucketStrategy, TokenError, type BitbucketStrategyOptions } from 'passport-bitbucket-oauth';

const verify = (): void => undefined;
/** Builds a strategy; an options object gets an absolute callbackURL unless it names its own. */
const construct = (options: unknown, fn: unknown = verify): BitbucketStrategy =>
  new BitbucketStrategy(
    (typeof options === 'object' && options !== null
      ? { callbackURL: 'https://app.example.com/auth/callback', ...options }
      : options) as BitbucketStrategyOptions,
    fn as () => void,
  );
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('new BitbucketStrategy(options, verify) refuses what cannot work, with an exact message', () => {
  it('no verify callback', () => {
    expect(() => construct({ consumerKey: 'k', consumerSecret: 's' }, null)).toThrow(
      new TypeError('BitbucketStrategy requires a verify callback'),
    );
  });

  it('no options, or no consumerKey, or an empty one', () => {
    for (const options of [undefined, {}, { consumerSecret: 's' }]) {
      expect(() => construct(options)).toThrow(new TypeError('BitbucketStrategy requires a consumerKey option'));
    }
    expect(() => construct({ consumerKey: '', consumerSecret: 's' })).toThrow(
      new TypeError('consumerKey must be a non-empty string, got ""'),
    );
    expect(() => construct({ consumerKey: 42, consumerSecret: 's' })).toThrow(
      new TypeError('consumerKey must be a non-empty string, got 42'),
    );
  });

  it('no consumerSecret, and no privateKey to sign with instead', () => {
    expect(() => construct({ consumerKey: 'k' })).toThrow(
      new TypeError('BitbucketStrategy requires a consumerSecret option'),
    );
    expect(() => construct({ consumerKey: 'k', consumerSecret: '' })).toThrow(
      new TypeError('consumerSecret must be a non-empty string, got an empty string'),
    );
  });

  it('a privateKey with signatureMethod HMAC-SHA1 still needs the consumerSecret', () => {
    expect(() => construct({ consumerKey: 'k', privateKey, signatureMethod: 'HMAC-SHA1' })).toThrow(
      new TypeError('BitbucketStrategy requires a consumerSecret option'),
    );
  });

  it('signatureMethod RSA-SHA1 without a privateKey', () => {
    expect(() => construct({ consumerKey: 'k', consumerSecret: 's', signatureMethod: 'RSA-SHA1' })).toThrow(
      new TypeError('BitbucketStrategy requires a privateKey option'),
    );
  });

  it('a baseURL that is not an absolute http(s) URL without query, fragment or credentials', () => {
    const cases: [string, string][] = [
      ['bitbucket.example.com', 'baseURL must be an absolute https URL, got "bitbucket.example.com"'],
      [
        'ftp://bitbucket.example.com',
        'baseURL must use https (http is accepted only for loopback: 127.0.0.0/8, ::1, localhost, *.localhost), got "ftp://bitbucket.example.com"',
      ],
      ['https://bitbucket.example.com/?x=1', 'baseURL must not carry a query, a fragment or credentials'],
      [
        'https://user:pw@bitbucket.example.com',
        'baseURL must not carry credentials (user:password@), got "https://…@bitbucket.example.com"',
      ],
    ];
    for (const [baseURL, message] of cases) {
      expect(() => construct({ baseURL, consumerKey: 'k', privateKey })).toThrow(new TypeError(message));
    }
  });

  it('limits that are not positive integers', () => {
    expect(() => construct({ consumerKey: 'k', consumerSecret: 's', timeout: 0 })).toThrow(
      new TypeError('timeout must be a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got 0'),
    );
    expect(() => construct({ consumerKey: 'k', consumerSecret: 's', maxResponseBytes: 1.5 })).toThrow(
      new TypeError('maxResponseBytes must be a positive integer, got 1.5'),
    );
  });
});

describe('new BitbucketStrategy(options, verify) with valid options', () => {
  it('is named "bitbucket" and targets Cloud without a baseURL', () => {
    const strategy = construct({ consumerKey: 'k', consumerSecret: 's' });
    expect([strategy.name, strategy.deployment]).toEqual(['bitbucket', 'cloud']);
  });

  it('targets Data Center with a baseURL (with or without a context path), and Cloud for bitbucket.org itself', () => {
    expect(construct({ baseURL: 'https://bitbucket.example.com/', consumerKey: 'k', privateKey }).deployment).toBe(
      'datacenter',
    );
    expect(construct({ baseURL: 'https://example.com/bitbucket', consumerKey: 'k', privateKey }).deployment).toBe(
      'datacenter',
    );
    expect(construct({ baseURL: 'https://bitbucket.org', consumerKey: 'k', consumerSecret: 's' }).deployment).toBe(
      'cloud',
    );
  });

  it('takes a name', () => {
    expect(construct({ consumerKey: 'k', consumerSecret: 's', name: 'bitbucket-dc' }).name).toBe('bitbucket-dc');
  });
});

describe('BitbucketStrategy#parseErrorResponse reads an OAuth 1.0a error answer into a TokenError', () => {
  const strategy = construct({ consumerKey: 'k', consumerSecret: 's' });
  const read = (body: string, status: number): Pick<TokenError, 'message' | 'code' | 'status'> => {
    const err = strategy.parseErrorResponse(body, status) as TokenError;
    expect(err).toBeInstanceOf(TokenError);
    return { message: err.message, code: err.code, status: err.status };
  };

  it("Cloud's plain text: a spent or unknown request token is 'invalid_request_token'", () => {
    expect(read('Invalid request token.', 401)).toEqual({
      message: 'Invalid request token.',
      code: 'invalid_request_token',
      status: 401,
    });
    expect(read('Could not verify OAuth request.', 401)).toEqual({
      message: 'Could not verify OAuth request.',
      code: 'invalid_request',
      status: 401,
    });
  });

  it('OAuth Problem Reporting: the problem is the code, the advice (else the problem) the message', () => {
    expect(read('oauth_problem=token_rejected', 401)).toEqual({
      message: 'token_rejected',
      code: 'token_rejected',
      status: 401,
    });
    expect(read('oauth_problem=timestamp_refused&oauth_problem_advice=Clock%20skew', 401)).toEqual({
      message: 'Clock skew',
      code: 'timestamp_refused',
      status: 401,
    });
  });

  it('a blank body is named by its status, and long or multi-line text is shortened to one line', () => {
    expect(read(' \n ', 401)).toEqual({ message: 'HTTP 401', code: 'invalid_request', status: 401 });
    expect(read(`line one\nline two ${'z'.repeat(300)}`, 400).message).toBe(`line one line two ${'z'.repeat(182)}…`);
  });

  it('an outage (5xx, or 429 without an oauth_problem) is no token error: null, so the strategy reports an InternalOAuthError', () => {
    expect(strategy.parseErrorResponse('Internal Server Error', 500)).toBeNull();
    expect(strategy.parseErrorResponse('Rate limit for this resource has been exceeded', 429)).toBeNull();
    expect(strategy.parseErrorResponse('oauth_problem=consumer_key_refused', 429)).toBeInstanceOf(TokenError);
  });
});
