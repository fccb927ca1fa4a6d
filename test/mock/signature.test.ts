import { generateKeyPairSync } from 'node:crypto';
import { authorizationHeader, percentEncode, queryPairs, sign, signatureBaseString } from '../../lib/oauth1/signature';
import { parseAuthorizationHeader, verifySignature } from '../../lib/oauth1/signature-check';

describe('the OAuth 1.0a signature module', () => {
  test('builds the signature base string of RFC 5849 §3.4.1.1 exactly', () => {
    const url = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
    const header = parseAuthorizationHeader(
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", ' +
        'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ' +
        'oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"',
    );
    const pairs = [...(header ?? []), ...queryPairs(url), ...new URLSearchParams('c2&a3=2+q')];
    expect(signatureBaseString('POST', url, pairs)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26' +
        'oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26' +
        'oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  // The RFC does not give the secrets behind §3.4.1.1's signature; §1.2 gives them, so its HMAC is checked.
  const photos = {
    url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    consumerSecret: 'kd94hf93k423kf44',
    tokenSecret: 'pfkkdhi9sl3r4s00',
    oauth: [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131202'],
      ['oauth_nonce', 'chapoH'],
    ] as const,
  };

  test('computes the HMAC-SHA1 signature of RFC 5849 §1.2 (MdpQcU8iPSUjWoN/UDMsK2sui9I=)', () => {
    const base = signatureBaseString('GET', photos.url, [...photos.oauth, ...queryPairs(photos.url)]);
    const credentials = {
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: photos.consumerSecret,
      signatureMethod: 'HMAC-SHA1' as const,
    };
    expect(sign(base, credentials, photos.tokenSecret)).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
    expect(verifySignature(base, 'MdpQcU8iPSUjWoN/UDMsK2sui9I=', 'HMAC-SHA1', photos)).toBe(true);
    expect(verifySignature(base, 'MdpQcU8iPSUjWoN/UDMsK2sui9X=', 'HMAC-SHA1', photos)).toBe(false);
  });

  test('produces a header whose signature the verifier accepts', () => {
    const header = authorizationHeader({
      method: 'GET',
      url: photos.url,
      credentials: {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: photos.consumerSecret,
        signatureMethod: 'HMAC-SHA1',
      },
      token: 'nnch734d00sl2jdk',
      tokenSecret: photos.tokenSecret,
      timestamp: '137131202',
      nonce: 'chapoH',
    });
    const params = parseAuthorizationHeader(header) ?? new Map<string, string>();
    expect(params.get('oauth_version')).toBe('1.0');
    const base = signatureBaseString('GET', photos.url, [...params, ...queryPairs(photos.url)]);
    expect(verifySignature(base, params.get('oauth_signature') ?? '', 'HMAC-SHA1', photos)).toBe(true);
  });

  test('percent-encodes the characters encodeURIComponent leaves alone', () => {
    expect(percentEncode("!*'() ~-._")).toBe('%21%2A%27%28%29%20~-._');
  });

  test('signs PLAINTEXT as the encoded secrets joined by &', () => {
    const credentials = { consumerKey: 'k', consumerSecret: 's&1', signatureMethod: 'PLAINTEXT' as const };
    expect(sign('ignored', credentials, 't')).toBe('s%261&t');
    expect(verifySignature('ignored', 's%261&t', 'PLAINTEXT', { consumerSecret: 's&1', tokenSecret: 't' })).toBe(true);
  });

  test('verifies RSA-SHA1 against the public key only', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const signature = sign(
      'base',
      { consumerKey: 'k', consumerSecret: '', signatureMethod: 'RSA-SHA1', privateKey },
      '',
    );
    expect(verifySignature('base', signature, 'RSA-SHA1', { consumerSecret: '', tokenSecret: '', publicKey })).toBe(
      true,
    );
    expect(verifySignature('other', signature, 'RSA-SHA1', { consumerSecret: '', tokenSecret: '', publicKey })).toBe(
      false,
    );
    expect(verifySignature('base', signature, 'RSA-SHA1', { consumerSecret: '', tokenSecret: '' })).toBe(false);
  });

  test('parses only OAuth authorization headers and skips the realm', () => {
    expect(parseAuthorizationHeader('Bearer abc')).toBeNull();
    expect(parseAuthorizationHeader(undefined)).toBeNull();
    expect([...(parseAuthorizationHeader('OAuth realm="x", oauth_token="a%20b"') ?? [])]).toEqual([
      ['oauth_token', 'a b'],
    ]);
  });
});
