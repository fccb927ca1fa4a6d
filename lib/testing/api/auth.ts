import { formParams } from '../server/body';
import { clientScopes, type MockContext, type RequestContext, type ResourceAuth } from '../server/context';
import { verifyOAuth1 } from '../oauth1/verify';
import type { Family } from '../users/store';

function oauth1(ctx: MockContext, rc: RequestContext, family: Family): ResourceAuth {
  const verified = verifyOAuth1(ctx, rc, family, (token, client) => {
    const record = token === undefined ? undefined : ctx.store.oauth1Tokens.get(token);
    return record?.consumerKey === client.clientId && record.family === family ? record : null;
  });
  if (!verified.ok) return { ok: false, reason: verified.problem === 'token_rejected' ? 'invalid' : 'signature' };
  const { token, client } = verified.request;
  if (token.expired) return { ok: false, reason: 'expired' };
  return { ok: true, user: token.user, scopes: clientScopes(client), credential: 'oauth1' };
}

/**
 * Authenticates a resource request: `Authorization: Bearer <token>` (OAuth 2.0) or an OAuth 1.0a
 * signed request with an access token.
 */
export function authenticate(ctx: MockContext, rc: RequestContext, family: Family): ResourceAuth {
  // NOTE: since 2026-05-04 Cloud refuses tokens sent in the query string or the body, even valid ones.
  if (
    family === 'cloud' &&
    (rc.url.searchParams.has('access_token') || formParams(rc.req, rc.body).has('access_token'))
  ) {
    return { ok: false, reason: 'query' };
  }
  const header = rc.req.headers.authorization ?? '';
  if (/^Bearer\s+\S+\s*$/i.test(header)) {
    const record = ctx.store.accessTokens.get(header.replace(/^Bearer\s+/i, '').trim());
    // NOTE: a Cloud token means nothing to Data Center and vice versa (mix-ups in apps get caught).
    if (record?.family !== family) return { ok: false, reason: 'invalid' };
    if (record.expired || record.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
    return { ok: true, user: record.user, scopes: record.scopes, credential: 'oauth2' };
  }
  if (/^OAuth\s/i.test(header)) return oauth1(ctx, rc, family);
  if (/^Basic\s/i.test(header)) return { ok: false, reason: 'basic' };
  return { ok: false, reason: header ? 'invalid' : 'missing' };
}
