import { formParams } from '../server/body';
import { findClient, type MockContext, type RequestContext } from '../server/context';
import { sendForm, sendText } from '../server/http';
import { signatureBaseString, type ParamPair, type SignatureMethod } from '../../oauth1/signature';
import { parseAuthorizationHeader, verifySignature } from '../../oauth1/signature-check';
import type { Family } from '../users/store';
import type { MockClient } from '../types';

/** Problems named as in the OAuth Problem Reporting extension (what Data Center sends back). */
export type OAuthProblem =
  | 'parameter_absent'
  | 'consumer_key_unknown'
  | 'signature_method_rejected'
  | 'signature_invalid'
  | 'timestamp_refused'
  | 'nonce_used'
  | 'version_rejected'
  | 'token_rejected'
  | 'permission_denied';

/** A request whose OAuth 1.0a signature checked out. */
export interface VerifiedRequest<T> {
  client: MockClient;
  /** The protocol parameters (`oauth_*`). */
  oauth: Map<string, string>;
  /** What the token lookup returned. */
  token: T;
}

/** Either a verified request or the reason it is refused. */
export type Verification<T> = { ok: true; request: VerifiedRequest<T> } | { ok: false; problem: OAuthProblem };

// NOTE: Cloud signs with HMAC-SHA1 or PLAINTEXT (no RSA-SHA1); Data Center application links use RSA-SHA1.
const METHODS: Record<Family, readonly SignatureMethod[]> = {
  cloud: ['HMAC-SHA1', 'PLAINTEXT'],
  dc: ['RSA-SHA1'],
};

/**
 * Finds the token a request names: `null` refuses it; otherwise its `secret` (empty for requests
 * that carry no token) signs the request.
 */
export type TokenLookup<T extends { secret: string }> = (token: string | undefined, client: MockClient) => T | null;

function protocolParams(rc: RequestContext): { oauth: Map<string, string>; pairs: ParamPair[] } | null {
  let header: Map<string, string> | null;
  try {
    header = parseAuthorizationHeader(rc.req.headers.authorization);
  } catch {
    return null; // a malformed percent-escape in the header
  }
  const others: ParamPair[] = [...rc.url.searchParams, ...formParams(rc.req, rc.body)];
  // NOTE: the Authorization header is the primary place for oauth_* parameters; query and form body also work.
  const oauth = header ?? new Map(others.filter(([name]) => name.startsWith('oauth_')));
  return { oauth, pairs: [...(header ?? []), ...others] };
}

/** Verifies an OAuth 1.0a signed request (RFC 5849 §3.2): consumer, method, timestamp, token, signature, nonce. */
export function verifyOAuth1<T extends { secret: string }>(
  ctx: MockContext,
  rc: RequestContext,
  family: Family,
  lookup: TokenLookup<T>,
): Verification<T> {
  const collected = protocolParams(rc);
  if (!collected) return { ok: false, problem: 'parameter_absent' };
  const { oauth, pairs } = collected;
  const method = oauth.get('oauth_signature_method');
  const signature = oauth.get('oauth_signature');
  const timestamp = oauth.get('oauth_timestamp');
  const nonce = oauth.get('oauth_nonce');
  const needsClock = method !== 'PLAINTEXT';
  if (
    !oauth.has('oauth_consumer_key') ||
    !method ||
    signature === undefined ||
    (needsClock && (!timestamp || !nonce))
  ) {
    return { ok: false, problem: 'parameter_absent' };
  }
  const client = findClient(ctx, oauth.get('oauth_consumer_key'));
  if (!client) return { ok: false, problem: 'consumer_key_unknown' };
  const allowed = METHODS[family].find((m) => m === method);
  if (!allowed) return { ok: false, problem: 'signature_method_rejected' };
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') return { ok: false, problem: 'version_rejected' };
  const window = ctx.settings.oauth1TimestampWindowSeconds;
  const ts = Number(timestamp);
  if (timestamp !== undefined && (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - ts) > window)) {
    return { ok: false, problem: 'timestamp_refused' };
  }
  const token = lookup(oauth.get('oauth_token'), client);
  if (token === null) return { ok: false, problem: 'token_rejected' };
  const secrets = {
    consumerSecret: client.clientSecret,
    tokenSecret: token.secret,
    ...(client.publicKey ? { publicKey: client.publicKey } : {}),
  };
  // Signed for the URL this mock serves (or an origin it was told it is reached through), as a server knows
  // its own base URL: never the Host header, which a client chooses (and which may not even parse as a host).
  const signedFor = (origin: string): boolean =>
    verifySignature(
      signatureBaseString(String(rc.req.method), origin + rc.url.pathname, pairs),
      signature,
      allowed,
      secrets,
    );
  if (![rc.url.origin, ...ctx.origins].some(signedFor)) return { ok: false, problem: 'signature_invalid' };
  if (nonce !== undefined && timestamp !== undefined && !ctx.store.useNonce(client.clientId, nonce, ts, window)) {
    return { ok: false, problem: 'nonce_used' };
  }
  return { ok: true, request: { client, oauth, token } };
}

/** Refuses an OAuth 1.0a request in the family's style. */
export function sendOAuth1Problem(rc: RequestContext, family: Family, problem: OAuthProblem): void {
  if (family === 'cloud') {
    // NOTE: Cloud's OAuth 1.0a errors are plain text.
    const text = problem === 'token_rejected' ? 'Invalid request token.' : 'Could not verify OAuth request.';
    return sendText(rc.res, 401, text);
  }
  // NOTE: Data Center reports `oauth_problem` (form-encoded body and WWW-Authenticate).
  sendForm(
    rc.res,
    401,
    { oauth_problem: problem },
    { 'www-authenticate': `OAuth realm="Mock Bitbucket", oauth_problem="${problem}"` },
  );
}
