import { createHmac, createSign, createVerify, timingSafeEqual } from 'node:crypto';
import { randomText } from '../sign-in/random';

/** The signature methods Bitbucket accepts: HMAC-SHA1 (Cloud and Data Center), PLAINTEXT, RSA-SHA1 (Data Center). */
export type SignatureMethod = 'HMAC-SHA1' | 'PLAINTEXT' | 'RSA-SHA1';

/** One request parameter; repeated names are kept as separate pairs (RFC 5849 §3.4.1.3.1). */
export type ParamPair = readonly [name: string, value: string];

/**
 * Percent-encodes a string as RFC 5849 §3.6 requires: everything but `A-Z a-z 0-9 - . _ ~`.
 * `encodeURIComponent` leaves `! * ' ( )` alone, so those are encoded by hand.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!*'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Base string URI (RFC 5849 §3.4.1.2): scheme and host lower-cased, default port dropped, no query or fragment. */
export function baseStringURI(url: string): string {
  const u = new URL(url);
  const defaultPort = (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443');
  const port = u.port && !defaultPort ? ':' + u.port : '';
  return `${u.protocol}//${u.hostname.toLowerCase()}${port}${u.pathname || '/'}`;
}

/** Normalized parameters (RFC 5849 §3.4.1.3.2): encode names and values, sort by name then value, join. */
export function normalizeParameters(params: readonly ParamPair[]): string {
  return params
    .filter(([name]) => name !== 'oauth_signature')
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The signature base string (RFC 5849 §3.4.1.1). */
export function signatureBaseString(method: string, url: string, params: readonly ParamPair[]): string {
  return [method.toUpperCase(), percentEncode(baseStringURI(url)), percentEncode(normalizeParameters(params))].join(
    '&',
  );
}

/** Query parameters of a URL as pairs (they are part of what is signed). */
export function queryPairs(url: string): ParamPair[] {
  return [...new URL(url).searchParams.entries()];
}

/** What signing needs to know about the consumer. */
export interface ConsumerCredentials {
  consumerKey: string;
  /** HMAC-SHA1 and PLAINTEXT: the consumer secret. */
  consumerSecret: string;
  signatureMethod: SignatureMethod;
  /** RSA-SHA1 only: the consumer's PEM private key. */
  privateKey?: string;
}

/** Computes `oauth_signature` for a base string. */
export function sign(baseString: string, credentials: ConsumerCredentials, tokenSecret: string): string {
  const key = `${percentEncode(credentials.consumerSecret)}&${percentEncode(tokenSecret)}`;
  switch (credentials.signatureMethod) {
    case 'PLAINTEXT':
      return key;
    case 'RSA-SHA1':
      return createSign('RSA-SHA1')
        .update(baseString)
        .sign(credentials.privateKey ?? '', 'base64');
    default:
      return createHmac('sha1', key).update(baseString).digest('base64');
  }
}

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

/** Options for one signed request. */
export interface SignRequestOptions {
  method: string;
  url: string;
  credentials: ConsumerCredentials;
  token?: string;
  tokenSecret?: string;
  /** Extra protocol parameters: `oauth_callback`, `oauth_verifier`. */
  oauthParams?: Record<string, string>;
  /** Form-encoded body parameters, which are signed too. */
  bodyParams?: readonly ParamPair[];
  /** Fixed values for tests; normally generated. */
  timestamp?: string;
  nonce?: string;
}

/** Builds the `Authorization: OAuth …` header value for a request (RFC 5849 §3.5.1). */
export function authorizationHeader(options: SignRequestOptions): string {
  const { credentials } = options;
  const protocol: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: options.nonce ?? randomText(16, 'hex'),
    oauth_signature_method: credentials.signatureMethod,
    oauth_timestamp: options.timestamp ?? String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...(options.token ? { oauth_token: options.token } : {}),
    ...options.oauthParams,
  };
  const pairs: ParamPair[] = [...Object.entries(protocol), ...queryPairs(options.url), ...(options.bodyParams ?? [])];
  const base = signatureBaseString(options.method, options.url, pairs);
  protocol.oauth_signature = sign(base, credentials, options.tokenSecret ?? '');
  const fields = Object.entries(protocol).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`);
  return 'OAuth ' + fields.join(', ');
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
