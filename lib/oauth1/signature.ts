import { createHmac, createSign } from 'node:crypto';
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
  return joinSorted(encodeInto(params, []));
}

/** `params` percent-encoded, appended to `into`; `oauth_signature` is never part of what is signed. */
function encodeInto(params: readonly ParamPair[], into: [string, string][]): [string, string][] {
  for (const [name, value] of params) {
    if (name !== 'oauth_signature') into.push([percentEncode(name), percentEncode(value)]);
  }
  return into;
}

/** Encoded pairs sorted by name, then value, joined as `name=value&…`. Sorts `pairs` in place. */
function joinSorted(pairs: [string, string][]): string {
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  let joined = '';
  let separator = '';
  for (const [name, value] of pairs) {
    joined += `${separator}${name}=${value}`;
    separator = '&';
  }
  return joined;
}

/** The signature base string (RFC 5849 §3.4.1.1). */
export function signatureBaseString(method: string, url: string, params: readonly ParamPair[]): string {
  return joinBaseString(method, percentEncode(baseStringURI(url)), normalizeParameters(params));
}

/** The three parts of a base string, joined: the method, the encoded base string URI, the normalized parameters. */
function joinBaseString(method: string, encodedURI: string, normalized: string): string {
  return `${method.toUpperCase()}&${encodedURI}&${percentEncode(normalized)}`;
}

/** Query parameters of a URL as pairs (they are part of what is signed). */
export function queryPairs(url: string): ParamPair[] {
  return [...new URL(url).searchParams.entries()];
}

/** What a URL puts in every signature of a request to it: its base string URI and its query, percent-encoded. */
interface SignedURL {
  encodedURI: string;
  encodedQuery: readonly (readonly [string, string])[];
}

/** The URLs signed lately: a strategy signs a handful (its token URLs, the user's, the first emails page). */
const signedURLs = new Map<string, SignedURL>();
const MAX_SIGNED_URLS = 64;

/**
 * `url`'s part of a signature, from a small cache.
 * NOTE: parsing the same URLs twice per signature (its base string URI, its query) made every OAuth 1.0a call pay
 * for two `URL`s and a `URLSearchParams`, and the first sign-in of a process most (code running for the first
 * time). Emptied when full, so that `next` links of Bitbucket's pages cannot make it grow.
 */
function signedURL(url: string): SignedURL {
  let known = signedURLs.get(url);
  if (known === undefined) {
    known = { encodedURI: percentEncode(baseStringURI(url)), encodedQuery: encodeInto(queryPairs(url), []) };
    if (signedURLs.size >= MAX_SIGNED_URLS) signedURLs.clear();
    signedURLs.set(url, known);
  }
  return known;
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

/**
 * Builds the `Authorization: OAuth …` header value for a request (RFC 5849 §3.5.1).
 * Written with loops and assignments, not spreads and array chains: it runs three or four times per sign-in, and
 * the first sign-in of a process runs it as V8 first meets it (in its interpreter).
 */
export function authorizationHeader(options: SignRequestOptions): string {
  const { credentials } = options;
  const protocol: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: options.nonce ?? randomText(16, 'hex'),
    oauth_signature_method: credentials.signatureMethod,
    oauth_timestamp: options.timestamp ?? String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
  };
  if (options.token) protocol.oauth_token = options.token;
  if (options.oauthParams) Object.assign(protocol, options.oauthParams);
  const { encodedURI, encodedQuery } = signedURL(options.url);
  const pairs: [string, string][] = [];
  for (const name in protocol) {
    if (name !== 'oauth_signature') pairs.push([percentEncode(name), percentEncode(protocol[name] as string)]);
  }
  for (const [name, value] of encodedQuery) pairs.push([name, value]);
  if (options.bodyParams) encodeInto(options.bodyParams, pairs);
  const base = joinBaseString(options.method, encodedURI, joinSorted(pairs));
  protocol.oauth_signature = sign(base, credentials, options.tokenSecret ?? '');
  let header = 'OAuth ';
  let separator = '';
  for (const name in protocol) {
    header += `${separator}${percentEncode(name)}="${percentEncode(protocol[name] as string)}"`;
    separator = ', ';
  }
  return header;
}
