import { isFormBody } from '../server/body';
import { clientScopes, findClient, type Handler, type MockContext, type RequestContext } from '../server/context';
import { renderConsentPage, renderMessagePage, scopeLabels } from '../pages/consent-page';
import { redirect, sendHtml, withQuery } from '../server/http';
import { sendOAuth1Problem } from './verify';
import { hiddenFields, signedInUser, switchUserLinks } from '../pages/signed-in';
import { randomToken, type Family, type RequestTokenRecord } from '../users/store';
import type { MockUser, OAuth1DenyStyle } from '../types';

interface Pending {
  token: string;
  record: RequestTokenRecord;
  family: Family;
}

function sendBack(
  rc: RequestContext,
  p: Pending,
  params: [string, string][],
  oobTitle: string,
  oobMessage: string,
): void {
  if (p.record.callback === 'oob') return sendHtml(rc.res, 200, renderMessagePage(oobTitle, oobMessage));
  redirect(rc.res, withQuery(p.record.callback, params));
}

function approve(rc: RequestContext, p: Pending, user: MockUser): void {
  const verifier = randomToken(12);
  p.record.approval = { verifier, user };
  sendBack(
    rc,
    p,
    [
      ['oauth_token', p.token],
      ['oauth_verifier', verifier],
    ],
    'Access granted',
    `Enter this verification code in the application: ${verifier}`,
  );
}

function denialParams(style: OAuth1DenyStyle, token: string): [string, string][] {
  switch (style) {
    case 'denied':
      return [['denied', token]];
    case 'error':
      return [
        ['error', 'access_denied'],
        ['oauth_token', token],
      ];
    case 'oauth_problem':
      return [
        ['oauth_problem', 'permissions_denied'],
        ['oauth_token', token],
      ];
    case 'oauth_problem_only':
      return [['oauth_problem', 'permissions_denied']];
    case 'verifier_denied':
      return [
        ['oauth_token', token],
        ['oauth_verifier', 'denied'],
      ];
    default:
      return [['oauth_token', token]];
  }
}

function deny(ctx: MockContext, rc: RequestContext, p: Pending): void {
  ctx.store.requestTokens.delete(p.token);
  // NOTE: Cloud's OAuth 1.0a denial is undocumented (default `?denied=<token>`, as OAuth 1.0a providers
  // commonly do); Data Center sends `oauth_problem=permissions_denied`.
  const style = ctx.settings.oauth1DenyStyle ?? (p.family === 'cloud' ? 'denied' : 'oauth_problem');
  sendBack(rc, p, denialParams(style, p.token), 'Access denied', 'You denied the application access to your account.');
}

function badRequest(rc: RequestContext, title: string, message: string): void {
  sendHtml(rc.res, 400, renderMessagePage(title, message));
}

/** `GET|POST /api/1.0/oauth/authenticate/` (Cloud) and `/plugins/servlet/oauth/authorize` (Data Center). */
export function oauth1AuthorizeHandler(family: Family): Handler {
  return (ctx, rc) => {
    const isPost = rc.req.method === 'POST';
    if (isPost && !isFormBody(rc.req))
      return badRequest(rc, 'Invalid request', 'The consent form must be form-encoded.');
    const params = isPost ? new URLSearchParams(rc.body) : rc.url.searchParams;
    const token = params.get('oauth_token') ?? '';
    const record = ctx.store.requestTokens.get(token);
    // NOTE: a request token can be authorized once.
    if (record?.family !== family || record.approval) return sendOAuth1Problem(rc, family, 'token_rejected');
    const user = signedInUser(ctx, rc, params);
    if ('unknown' in user) return badRequest(rc, 'Unknown mock user', user.unknown);
    const pending: Pending = { token, record, family };
    if (rc.denied) return deny(ctx, rc, pending);
    if (isPost) {
      const decision = params.get('decision');
      if (decision === 'deny') return deny(ctx, rc, pending);
      if (decision !== 'grant') return badRequest(rc, 'Invalid request', 'Choose "Grant access" or "Deny".');
      return approve(rc, pending, user);
    }
    if (ctx.settings.autoApprove) return approve(rc, pending, user);
    const client = findClient(ctx, record.consumerKey);
    const permissions =
      family === 'dc' ? ['Act on your behalf in Bitbucket'] : scopeLabels(client ? clientScopes(client) : []);
    sendHtml(
      rc.res,
      200,
      renderConsentPage({
        action: rc.url.pathname,
        clientId: record.consumerKey,
        user,
        permissions,
        hidden: hiddenFields(params, user),
        switchUsers: switchUserLinks(ctx, rc, user),
      }),
    );
  };
}
