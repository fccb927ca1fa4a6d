import type { Handler, MockContext, RequestContext } from '../server/context';
import { sendForm } from '../server/http';
import { sendOAuth1Problem, verifyOAuth1 } from './verify';
import { randomToken, type Family } from '../users/store';

function isCallback(value: string): boolean {
  if (value === 'oob') return true;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * `POST /api/1.0/oauth/request_token/` (Cloud) and `/plugins/servlet/oauth/request-token` (Data Center):
 * temporary credentials for a consumer. `oauth_callback` is required (`oob` allowed).
 */
export function requestTokenHandler(family: Family): Handler {
  return (ctx: MockContext, rc: RequestContext) => {
    const verified = verifyOAuth1(ctx, rc, family, (token) => (token === undefined ? { secret: '' } : null));
    if (!verified.ok) return sendOAuth1Problem(rc, family, verified.problem);
    const callback = verified.request.oauth.get('oauth_callback');
    if (callback === undefined || !isCallback(callback)) return sendOAuth1Problem(rc, family, 'parameter_absent');
    const token = randomToken(18);
    const secret = randomToken(24);
    ctx.store.requestTokens.set(token, { consumerKey: verified.request.client.clientId, secret, callback, family });
    sendForm(rc.res, 200, { oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
  };
}

/**
 * `POST /api/1.0/oauth/access_token/` (Cloud) and `/plugins/servlet/oauth/access-token` (Data Center):
 * trades an authorized request token and its verifier for an access token. Both are single-use.
 */
export function accessTokenHandler(family: Family): Handler {
  return (ctx: MockContext, rc: RequestContext) => {
    const verified = verifyOAuth1(ctx, rc, family, (token, client) => {
      if (token === undefined) return null;
      const record = ctx.store.requestTokens.get(token);
      const ok = record?.consumerKey === client.clientId && record.family === family;
      return ok ? { key: token, secret: record.secret, record } : null;
    });
    if (!verified.ok) return sendOAuth1Problem(rc, family, verified.problem);
    const { key, record } = verified.request.token;
    // NOTE: the request token and its verifier die on the first exchange attempt, even a failed one.
    ctx.store.requestTokens.delete(key);
    const approval = record.approval;
    if (!approval || verified.request.oauth.get('oauth_verifier') !== approval.verifier) {
      return sendOAuth1Problem(rc, family, 'token_rejected');
    }
    const token = randomToken(18);
    const secret = randomToken(24);
    ctx.store.oauth1Tokens.set(token, {
      consumerKey: record.consumerKey,
      family,
      secret,
      user: approval.user,
      expired: false,
    });
    sendForm(rc.res, 200, { oauth_token: token, oauth_token_secret: secret });
  };
}
