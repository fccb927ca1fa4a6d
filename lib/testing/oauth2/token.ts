import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isFormBody } from '../server/body';
import { clientScopes, findClient, type Handler, type MockContext, type RequestContext } from '../server/context';
import { sendJson } from '../server/http';
import type { CodeRecord, Family, RefreshTokenRecord } from '../users/store';
import type { MockClient } from '../types';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** Answers an OAuth 2.0 error in the family's format. */
function fail(rc: RequestContext, family: Family, status: number, error: string, description: string): void {
  // NOTE: Cloud writes `error_description` first; Data Center follows RFC 6749.
  const body =
    family === 'cloud' ? { error_description: description, error } : { error, error_description: description };
  sendJson(rc.res, status, body, NO_STORE);
}

function decodeForm(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * The client authenticated by HTTP Basic or, failing that, by client_id/client_secret in the form body;
 * `'none'` when no credentials were sent, `'wrong'` when they do not match a consumer.
 */
export function authenticateClient(
  ctx: MockContext,
  req: IncomingMessage,
  form: URLSearchParams,
): MockClient | 'none' | 'wrong' {
  const header = req.headers.authorization;
  if (header && /^Basic\s/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'wrong';
    const id = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    // RFC 6749 §2.3.1 form-encodes both parts; most clients don't. Accept either.
    const client = findClient(ctx, id) ?? findClient(ctx, decodeForm(id));
    return client && (client.clientSecret === secret || client.clientSecret === decodeForm(secret)) ? client : 'wrong';
  }
  // NOTE: Bitbucket also accepts the credentials in the form body (node-oauth sends them there).
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  if (id === null || secret === null) return 'none';
  const client = findClient(ctx, id);
  return client?.clientSecret === secret ? client : 'wrong';
}

function pkceOk(code: CodeRecord, verifier: string | null): boolean {
  // NOTE: codes carry a challenge on Data Center, and on Cloud only with `cloudPkce: 'enforce'`.
  if (!code.challenge) return true;
  if (verifier === null) return false;
  const computed =
    code.challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed === code.challenge.value;
}

function answer(
  ctx: MockContext,
  rc: RequestContext,
  grant: RefreshTokenRecord,
  grantType: string,
  withRefresh: boolean,
): void {
  const t = ctx.store.issueTokens(grant, withRefresh);
  const scope = grant.scopes.join(' ');
  const refresh = t.refreshToken !== undefined ? { refresh_token: t.refreshToken } : {};
  if (grant.family === 'dc') {
    return sendJson(
      rc.res,
      200,
      { scope, access_token: t.accessToken, token_type: 'bearer', expires_in: t.expiresIn, ...refresh },
      NO_STORE,
    );
  }
  // NOTE: since 2026-05-04 Cloud says `scope` (it used to say `scopes`); `state` is the grant's name, not the CSRF state.
  sendJson(
    rc.res,
    200,
    {
      access_token: t.accessToken,
      [ctx.settings.tokenScopeField]: scope,
      expires_in: t.expiresIn,
      ...refresh,
      token_type: 'bearer',
      state: grantType,
    },
    NO_STORE,
  );
}

function authorizationCode(
  ctx: MockContext,
  rc: RequestContext,
  family: Family,
  client: MockClient,
  form: URLSearchParams,
): void {
  if (family === 'cloud' && !client.callbackURL) {
    return fail(rc, family, 400, 'invalid_request', 'No callback uri defined for the OAuth client.');
  }
  const code = ctx.store.takeCode(form.get('code'));
  if (code?.clientId !== client.clientId || code.family !== family) {
    return fail(rc, family, 400, 'invalid_grant', 'The authorization code is invalid or has expired');
  }
  if (code.redirectUri !== undefined && form.get('redirect_uri') !== code.redirectUri) {
    return fail(rc, family, 400, 'invalid_grant', 'The redirect_uri does not match the one used at authorization');
  }
  if (!pkceOk(code, form.get('code_verifier'))) {
    return fail(rc, family, 400, 'invalid_grant', 'Invalid code_verifier');
  }
  answer(
    ctx,
    rc,
    { clientId: client.clientId, family, user: code.user, scopes: code.scopes },
    'authorization_code',
    true,
  );
}

function refreshToken(
  ctx: MockContext,
  rc: RequestContext,
  family: Family,
  client: MockClient,
  form: URLSearchParams,
): void {
  const token = form.get('refresh_token') ?? '';
  // NOTE: unused refresh tokens expire (3 months on Cloud since 2026-05-04, 90 days on Data Center).
  const old = ctx.store.liveRefreshToken(token);
  if (old?.clientId !== client.clientId || old.family !== family) {
    return family === 'cloud'
      ? fail(rc, family, 400, 'invalid_request', 'Invalid refresh_token')
      : fail(rc, family, 400, 'invalid_grant', 'Invalid refresh token');
  }
  // NOTE: refresh tokens rotate (Cloud since 2026-05-04): the old one dies, a new one is returned.
  ctx.store.refreshTokens.delete(token);
  const { clientId, user, scopes } = old;
  answer(ctx, rc, { clientId, family, user, scopes }, 'refresh_token', true);
}

function clientCredentials(ctx: MockContext, rc: RequestContext, client: MockClient): void {
  // NOTE: only private consumers may use client_credentials on Cloud.
  if (!client.private) {
    return fail(
      rc,
      'cloud',
      400,
      'unauthorized_client',
      'Client credentials grant is only available to private consumers.',
    );
  }
  // NOTE: client_credentials returns no refresh token (since 2026-05-04). The token acts as the first user.
  const owner = ctx.users[0];
  /* istanbul ignore next: only if a test emptied mock.users (createMockBitbucket refuses an empty list) */
  if (!owner) return fail(rc, 'cloud', 400, 'invalid_grant', 'The consumer has no owner');
  answer(
    ctx,
    rc,
    { clientId: client.clientId, family: 'cloud', user: owner, scopes: clientScopes(client) },
    'client_credentials',
    false,
  );
}

/** `POST /site/oauth2/access_token` (Cloud) and `POST /rest/oauth2/latest/token` (Data Center). */
export function tokenHandler(family: Family): Handler {
  return (ctx, rc) => {
    if (!isFormBody(rc.req)) {
      // NOTE: Cloud only reads form-encoded bodies; a JSON body is read as "no grant type".
      return family === 'cloud'
        ? fail(rc, family, 400, 'invalid_grant', 'Unsupported grant type: None')
        : fail(rc, family, 400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(rc.body);
    const client = authenticateClient(ctx, rc.req, form);
    if (client === 'none' && family === 'cloud') {
      return fail(
        rc,
        family,
        400,
        'unauthorized_client',
        'Requests must be authenticated using OAuth client credentials',
      );
    }
    // NOTE: Bitbucket Cloud's answer to WRONG client credentials is not documented: the mock answers
    // RFC 6749 §5.2's 401 invalid_client, as Data Center does (the text is the mock's own).
    if (typeof client === 'string') return fail(rc, family, 401, 'invalid_client', 'Client authentication failed.');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return authorizationCode(ctx, rc, family, client, form);
    if (grantType === 'refresh_token') return refreshToken(ctx, rc, family, client, form);
    if (grantType === 'client_credentials' && family === 'cloud') return clientCredentials(ctx, rc, client);
    return family === 'cloud'
      ? fail(rc, family, 400, 'invalid_grant', `Unsupported grant type: ${grantType ?? 'None'}`)
      : fail(rc, family, 400, 'unsupported_grant_type', `Unsupported grant type: ${grantType ?? 'none'}`);
  };
}
