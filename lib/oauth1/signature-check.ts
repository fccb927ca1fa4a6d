import { createVerify, timingSafeEqual } from 'node:crypto';
import { sign, type SignatureMethod } from './signature';

// The receiving side of an OAuth 1.0a signature, which the mock Bitbucket (`testing/oauth1/verify.ts`) checks
// with: the same base string and signature as the strategy's (`./signature.ts`), read back from a request.

/**
 * Checks a received `oauth_signature`. HMAC and PLAINTEXT are compared in constant time;
 * RSA-SHA1 is verified against the consumer's public key.
 */
export function verifySignature(
  baseString: string,
  signature: string,
  method: SignatureMethod,
  secrets: { consumerSecret: string; tokenSecret: string; publicKey?: string },
): boolean {
  if (method === 'RSA-SHA1') {
    if (!secrets.publicKey) return false;
    try {
      return createVerify('RSA-SHA1').update(baseString).verify(secrets.publicKey, signature, 'base64');
    } catch {
      return false;
    }
  }
  const expected = Buffer.from(
    sign(
      baseString,
      { consumerKey: '', consumerSecret: secrets.consumerSecret, signatureMethod: method },
      secrets.tokenSecret,
    ),
  );
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Parses an `Authorization: OAuth …` header into its parameters; `null` if it is not one. */
export function parseAuthorizationHeader(header: string | undefined): Map<string, string> | null {
  if (!header || !/^OAuth\s/i.test(header)) return null;
  const params = new Map<string, string>();
  // The look-behind keeps the scan linear: a name starts only where a run of name characters starts.
  const re = /(?<![A-Za-z0-9_\-.~%])([A-Za-z0-9_\-.~%]+)="([^"]*)"/g;
  try {
    for (let m = re.exec(header); m; m = re.exec(header)) {
      const name = decodeURIComponent(m[1] as string);
      if (name === 'realm') continue;
      params.set(name, decodeURIComponent(m[2] as string));
    }
  } catch {
    return null; // a malformed percent-escape: not a header anyone signed
  }
  return params;
}
