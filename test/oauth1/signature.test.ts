/**
 * The OAuth 1.0a signing module (RFC 5849), beyond the RFC examples in test/mock/signature.test.ts:
 * what the strategy sends must parse back and verify, with every parameter that RFC 5849 §3.4.1.3
 * says is signed.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  authorizationHeader,
  baseStringURI,
  normalizeParameters,
  percentEncode,
  queryPairs,
  sign,
  signatureBaseString,
  type ConsumerCredentials,
  type ParamPair,
  type SignRequestOptions,
} from '../../lib/oauth1/signature';
import { parseAuthorizationHeader, verifySignature } from '../../lib/oauth1/signature-check';

const HMAC: ConsumerCredentials = {
  consumerKey: 'key',
  consumerSecret: 'consumer secret&',
  signatureMethod: 'HMAC-SHA1',
};
const TOKEN_SECRET = 'token/secret+1';
const URL_WITH_QUERY = 'https://API.Example.com:443/2.0/user/emails?page=2&q=a%20b&q=%21';
const BODY: ParamPair[] = [
  ['comment', 'héllo wörld'],
  ['q', 'from the body'],
];

/** Rebuilds the base string from what a server receives (header, query, body) and checks the signature. */
function serverAccepts(
  header: string,
  method: string,
  url: string,
  body: readonly ParamPair[],
  secrets: Parameters<typeof verifySignature>[3],
): boolean {
  const params = parseAuthorizationHeader(header);
  if (!params) return false;
  const base = signatureBaseString(method, url, [...params, ...queryPairs(url), ...body]);
  return verifySignature(
    base,
    params.get('oauth_signature') ?? '',
    params.get('oauth_signature_method') as 'HMAC-SHA1',
    secrets,
  );
}

function signed(options: Partial<SignRequestOptions> = {}): string {
  return authorizationHeader({
    method: 'POST',
    url: URL_WITH_QUERY,
    credentials: HMAC,
    token: 'access-token',
    tokenSecret: TOKEN_SECRET,
    bodyParams: BODY,
    ...options,
  });
}

describe('authorizationHeader', () => {
  const secrets = { consumerSecret: HMAC.consumerSecret, tokenSecret: TOKEN_SECRET };

  it('produces a header that parses back to the protocol parameters it was built from', () => {
    const header = signed({ timestamp: '1700000000', nonce: 'n0nce', oauthParams: { oauth_verifier: 'v/1' } });
    expect(header.startsWith('OAuth ')).toBe(true);
    expect([...(parseAuthorizationHeader(header) ?? [])]).toEqual([
      ['oauth_consumer_key', 'key'],
      ['oauth_nonce', 'n0nce'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '1700000000'],
      ['oauth_version', '1.0'],
      ['oauth_token', 'access-token'],
      ['oauth_verifier', 'v/1'],
      ['oauth_signature', expect.stringMatching(/^[A-Za-z0-9+/]{27}=$/)],
    ]);
    expect(header).toContain('oauth_verifier="v%2F1"');
  });

  it('signs the query of the URL and the form body: the server accepts it, and refuses it without either', () => {
    const header = signed();
    expect(serverAccepts(header, 'POST', URL_WITH_QUERY, BODY, secrets)).toBe(true);
    expect(serverAccepts(header, 'POST', URL_WITH_QUERY, [], secrets)).toBe(false);
    expect(serverAccepts(header, 'POST', 'https://api.example.com/2.0/user/emails', BODY, secrets)).toBe(false);
    expect(serverAccepts(header, 'POST', URL_WITH_QUERY, [['comment', 'hello world'], BODY[1]!], secrets)).toBe(false);
  });

  it('signs the method, the path and both secrets', () => {
    const header = signed();
    expect(serverAccepts(header, 'GET', URL_WITH_QUERY, BODY, secrets)).toBe(false);
    expect(serverAccepts(header, 'POST', URL_WITH_QUERY.replace('/emails', '/emails/'), BODY, secrets)).toBe(false);
    expect(serverAccepts(header, 'POST', URL_WITH_QUERY, BODY, { ...secrets, tokenSecret: 'other' })).toBe(false);
    expect(serverAccepts(header, 'POST', URL_WITH_QUERY, BODY, { ...secrets, consumerSecret: 'other' })).toBe(false);
  });

  it('leaves oauth_token out when there is no token (the request-token call) and signs with an empty token secret', () => {
    const header = signed({
      token: undefined,
      tokenSecret: undefined,
      oauthParams: { oauth_callback: 'http://127.0.0.1:3000/callback?x=1' },
    });
    const params = parseAuthorizationHeader(header);
    expect(params?.has('oauth_token')).toBe(false);
    expect(params?.get('oauth_callback')).toBe('http://127.0.0.1:3000/callback?x=1');
    expect(
      serverAccepts(header, 'POST', URL_WITH_QUERY, BODY, { consumerSecret: HMAC.consumerSecret, tokenSecret: '' }),
    ).toBe(true);
  });

  // The part a URL adds to every signature is kept per URL (a bounded cache, emptied when full): each URL of many,
  // and the first again once the cache was emptied, is signed with its own path and query.
  it('signs each of many URLs with its own path and query, the first again after 100 others', () => {
    const urls = Array.from(
      { length: 101 },
      (_, i) => `https://api.example.com/2.0/user/emails?page=${i + 2}&pagelen=100`,
    );
    for (const url of [...urls, urls[0]!]) {
      const header = signed({ url, method: 'GET', bodyParams: [] });
      expect(serverAccepts(header, 'GET', url, [], secrets)).toBe(true);
      expect(serverAccepts(header, 'GET', url.replace('page=', 'page=1'), [], secrets)).toBe(false);
    }
  });

  it('makes a fresh nonce and the current timestamp for every request', () => {
    const before = Math.floor(Date.now() / 1000);
    const a = parseAuthorizationHeader(signed());
    const b = parseAuthorizationHeader(signed());
    const after = Math.floor(Date.now() / 1000);
    expect(a?.get('oauth_nonce')).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.get('oauth_nonce')).not.toBe(b?.get('oauth_nonce'));
    expect(Number(a?.get('oauth_timestamp'))).toBeGreaterThanOrEqual(before);
    expect(Number(a?.get('oauth_timestamp'))).toBeLessThanOrEqual(after);
  });

  it('PLAINTEXT: the signature is the encoded consumer secret and token secret joined by "&", and verifies', () => {
    const credentials: ConsumerCredentials = { ...HMAC, signatureMethod: 'PLAINTEXT' };
    const header = signed({ credentials });
    const params = parseAuthorizationHeader(header);
    expect(params?.get('oauth_signature_method')).toBe('PLAINTEXT');
    expect(params?.get('oauth_signature')).toBe('consumer%20secret%26&token%2Fsecret%2B1');
    expect(verifySignature('any base string', params?.get('oauth_signature') ?? '', 'PLAINTEXT', secrets)).toBe(true);
    expect(verifySignature('any base string', 'consumer%20secret%26&', 'PLAINTEXT', secrets)).toBe(false);
  });

  it('RSA-SHA1: signs with the private key; the public key verifies it, another key does not', () => {
    const pair = (): { privateKey: string; publicKey: string } =>
      generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
    const mine = pair();
    const theirs = pair();
    const credentials: ConsumerCredentials = {
      consumerKey: 'dc',
      consumerSecret: '',
      signatureMethod: 'RSA-SHA1',
      privateKey: mine.privateKey,
    };
    const header = signed({ credentials });
    const params = parseAuthorizationHeader(header) ?? new Map<string, string>();
    const base = signatureBaseString('POST', URL_WITH_QUERY, [...params, ...queryPairs(URL_WITH_QUERY), ...BODY]);
    const signature = params.get('oauth_signature') ?? '';
    expect(params.get('oauth_signature_method')).toBe('RSA-SHA1');
    expect(Buffer.from(signature, 'base64')).toHaveLength(256);
    expect(
      verifySignature(base, signature, 'RSA-SHA1', { consumerSecret: '', tokenSecret: '', publicKey: mine.publicKey }),
    ).toBe(true);
    expect(
      verifySignature(base, signature, 'RSA-SHA1', {
        consumerSecret: '',
        tokenSecret: '',
        publicKey: theirs.publicKey,
      }),
    ).toBe(false);
    // RSA-SHA1 ignores both secrets (RFC 5849 §3.4.3).
    expect(
      verifySignature(base, signature, 'RSA-SHA1', {
        consumerSecret: 'x',
        tokenSecret: 'y',
        publicKey: mine.publicKey,
      }),
    ).toBe(true);
  });

  it('RSA-SHA1: a public key that is not a key verifies nothing (and does not throw)', () => {
    expect(
      verifySignature('base', 'c2ln', 'RSA-SHA1', { consumerSecret: '', tokenSecret: '', publicKey: 'not a PEM key' }),
    ).toBe(false);
  });
});

describe('percentEncode (RFC 5849 §3.6)', () => {
  it("encodes ! * ' ( ) in upper-case hex, one by one", () => {
    expect(['!', '*', "'", '(', ')'].map(percentEncode)).toEqual(['%21', '%2A', '%27', '%28', '%29']);
  });

  it('encodes non-ASCII characters as the percent-encoded bytes of their UTF-8 form', () => {
    expect(percentEncode('é')).toBe('%C3%A9');
    expect(percentEncode('ü€')).toBe('%C3%BC%E2%82%AC');
    expect(percentEncode('😀')).toBe('%F0%9F%98%80');
    expect(percentEncode('Grüße, (Welt)!')).toBe('Gr%C3%BC%C3%9Fe%2C%20%28Welt%29%21');
  });

  it('leaves only A-Z a-z 0-9 - . _ ~ unencoded', () => {
    const unreserved = 'ABCXYZabcxyz0189-._~';
    expect(percentEncode(unreserved)).toBe(unreserved);
    expect(percentEncode('/?#[]@$&+,;=%')).toBe('%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%25');
  });
});

describe('the parts of the signature base string', () => {
  it('base string URI: lower-cases scheme and host, drops default ports and the query, keeps other ports', () => {
    expect(baseStringURI('HTTPS://API.Bitbucket.ORG:443/2.0/User?x=1#f')).toBe('https://api.bitbucket.org/2.0/User');
    expect(baseStringURI('http://127.0.0.1:80/plugins/servlet/oauth/request-token')).toBe(
      'http://127.0.0.1/plugins/servlet/oauth/request-token',
    );
    expect(baseStringURI('http://127.0.0.1:8080/api/1.0/oauth/request_token/')).toBe(
      'http://127.0.0.1:8080/api/1.0/oauth/request_token/',
    );
    expect(baseStringURI('https://example.com')).toBe('https://example.com/');
  });

  it('base string URI: an empty path is "/"', () => {
    expect(baseStringURI('custom://Host')).toBe('custom://host/');
  });

  it('normalized parameters: identical pairs are both kept', () => {
    expect(
      normalizeParameters([
        ['a', '1'],
        ['b', '2'],
        ['a', '1'],
      ]),
    ).toBe('a=1&a=1&b=2');
  });

  it('normalized parameters: sorted by encoded name then value (byte order), repeated names kept, oauth_signature left out', () => {
    expect(
      normalizeParameters([
        ['b', '2'],
        ['a', 'z'],
        ['a', 'y x'],
        ['oauth_signature', 'ignored'],
        ['A', '1'],
        ['é', '1'],
      ]),
    ).toBe('%C3%A9=1&A=1&a=y%20x&a=z&b=2'); // byte order of the encoded names: '%' < 'A' < 'a'
  });
});

describe('sign', () => {
  it('refuses to make an RSA-SHA1 signature without a private key (the strategy requires one up front)', () => {
    expect(() => sign('base', { consumerKey: 'k', consumerSecret: 's', signatureMethod: 'RSA-SHA1' }, '')).toThrow();
  });
});

describe('parseAuthorizationHeader', () => {
  it('reads only the OAuth scheme: not Basic, not a word that merely starts with "OAuth", not an empty header', () => {
    expect(parseAuthorizationHeader('Basic bW9jazpzZWNyZXQ=')).toBeNull();
    expect(parseAuthorizationHeader('OAuthx oauth_token="a"')).toBeNull();
    expect(parseAuthorizationHeader('')).toBeNull();
  });

  it('skips the realm wherever it appears', () => {
    expect([
      ...(parseAuthorizationHeader('OAuth oauth_nonce="n", realm="https://bitbucket.org/", oauth_token="t"') ?? []),
    ]).toEqual([
      ['oauth_nonce', 'n'],
      ['oauth_token', 't'],
    ]);
  });

  it('returns null for a malformed percent-escape instead of throwing', () => {
    expect(parseAuthorizationHeader('OAuth oauth_token="%E0%A4%A"')).toBeNull();
  });

  it('decodes names and values, and reads a header in any case of "OAuth"', () => {
    expect([...(parseAuthorizationHeader('oauth oauth_callback="http%3A%2F%2Fa%2Fb", oauth_nonce="x"') ?? [])]).toEqual(
      [
        ['oauth_callback', 'http://a/b'],
        ['oauth_nonce', 'x'],
      ],
    );
  });
});
