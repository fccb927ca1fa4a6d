import { isFormBody } from '../server/body';
import { clientScopes, findClient, type Handler, type MockContext, type RequestContext } from '../server/context';
import { renderConsentPage, renderMessagePage, scopeLabels } from '../pages/consent-page';
import { redirect, sendHtml, withQuery } from '../server/http';
import { hiddenFields, signedInUser, switchUserLinks } from '../pages/signed-in';
import { LIFETIME, type Family, type PkceChallenge } from '../users/store';
import type { MockClient, MockUser } from '../types';

/** The scopes a Data Center OAuth 2.0 client may ask for: every one its UI offers (bitbucket-facts.md). */
export const DC_SCOPES: readonly string[] = [
  'PUBLIC_REPOS',
  'REPO_READ',
  'REPO_WRITE',
  'REPO_ADMIN',
  'PROJECT_ADMIN',
  'ACCOUNT_WRITE',
  'ADMIN_WRITE',
];

// NOTE: RFC 7636 §4.2: a challenge is 43 to 128 characters of letters, digits and `-._~`.
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

interface PendingGrant {
  family: Family;
  client: MockClient;
  /** Where to send the user back. */
  target: string;
  /** The redirect_uri parameter, when one was given. */
  redirectUri?: string;
  state: string | null;
  user: MockUser;
  scopes: string[];
  challenge?: PkceChallenge;
}

type Checked = { page: [title: string, message: string] } | { grant: PendingGrant; error?: [string, string] };

/** A complete http(s) URL, not a mere prefix such as the default callback `http://127.0.0.1:`. */
function isCompleteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.href.startsWith(value);
  } catch {
    return false;
  }
}

/**
 * Whether `target` may receive the user. NOTE: Cloud accepts a redirect_uri that STARTS WITH the consumer's
 * callback URL; Data Center compares it exactly. A placeholder callback (not a complete URL, like the default
 * consumer's `http://127.0.0.1:`) registers, per app origin, the first Data Center redirect URI under it.
 */
function redirectAllowed(ctx: MockContext, client: MockClient, target: string | undefined, family: Family): boolean {
  const callback = client.callbackURL;
  if (!callback || !target || !target.startsWith(callback) || !isCompleteHttpUrl(target)) return false;
  if (family === 'cloud') return true;
  if (isCompleteHttpUrl(callback)) return target === callback;
  const key = `${client.clientId} ${new URL(target).origin}`;
  const registered = ctx.store.dcRedirects.get(key);
  if (registered === undefined) ctx.store.dcRedirects.set(key, target);
  return (registered ?? target) === target;
}

/** Why a redirect URI was refused, with what would have worked: the consumer's callback URL (a prefix on Cloud). */
function redirectMismatch(ctx: MockContext, client: MockClient, given: string | undefined, family: Family): string {
  const callback = client.callbackURL;
  if (!callback) return 'This OAuth consumer has no callback URL.';
  if (given === undefined) {
    return `No redirect_uri was given, and ${callback}, the callback URL of this OAuth consumer, is not a complete URL: give a redirect_uri that starts with it.`;
  }
  const asked = `The redirect_uri ${given}`;
  if (family === 'cloud') {
    return `${asked} does not start with ${callback}, the callback URL of this OAuth consumer: Bitbucket Cloud accepts any redirect_uri that starts with it (an app on 127.0.0.1, not localhost, for the default consumer).`;
  }
  const origin = isCompleteHttpUrl(given) ? new URL(given).origin : '';
  const registered = ctx.store.dcRedirects.get(`${client.clientId} ${origin}`);
  const expected = isCompleteHttpUrl(callback) ? callback : (registered ?? `a complete URL under ${callback}`);
  return `${asked} is not ${expected}, the callback URL of this OAuth consumer: Data Center compares the whole URL.`;
}

/**
 * The scopes a Data Center consumer may ask for: the Data Center scopes among its `scopes`, else all (a mock
 * consumer serves both products; its Cloud scopes say nothing about Data Center).
 */
function dcScopesOf(client: MockClient): readonly string[] {
  const listed = DC_SCOPES.filter((s) => client.scopes?.includes(s));
  return listed.length > 0 ? listed : DC_SCOPES;
}

function check(ctx: MockContext, rc: RequestContext, params: URLSearchParams, family: Family): Checked {
  const client = findClient(ctx, params.get('client_id'));
  if (!client) return { page: ['Invalid client_id', 'No OAuth consumer has this client_id.'] };
  const redirectUri = params.get('redirect_uri') ?? undefined;
  const target = redirectUri ?? client.callbackURL;
  // NOTE: a redirect_uri that is not allowed gets an HTML error page, never a redirect.
  if (!target || !redirectAllowed(ctx, client, target, family)) {
    return { page: ['Invalid redirect_uri', redirectMismatch(ctx, client, redirectUri, family)] };
  }
  if (params.get('response_type') !== 'code') {
    return { page: ['Unsupported response_type', 'This mock only supports response_type=code.'] };
  }
  const user = signedInUser(ctx, rc, params);
  if ('unknown' in user) return { page: ['Unknown mock user', user.unknown] };
  const requested = (params.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
  // NOTE: Cloud ignores the scope parameter: the consumer's checkboxes decide. Data Center honours it, and
  // grants PUBLIC_REPOS when none is asked for.
  const scopes = family === 'cloud' ? clientScopes(client) : requested.length > 0 ? requested : ['PUBLIC_REPOS'];
  const grant: PendingGrant = { family, client, target, redirectUri, state: params.get('state'), user, scopes };
  const allowed = dcScopesOf(client);
  if (family === 'dc' && scopes.some((s) => !allowed.includes(s))) {
    return { grant, error: ['invalid_scope', `Invalid scope. Allowed scopes: ${allowed.join(', ')}.`] };
  }
  const challenge = params.get('code_challenge');
  // NOTE: PKCE on Cloud is undocumented: ignored unless the mock was told `cloudPkce: 'enforce'`.
  if (challenge !== null && (family === 'dc' || ctx.settings.cloudPkce === 'enforce')) {
    const method = params.get('code_challenge_method') ?? 'plain';
    if (method !== 'S256' && method !== 'plain') {
      return { grant, error: ['invalid_request', 'code_challenge_method must be S256 or plain.'] };
    }
    if (!PKCE_CHALLENGE.test(challenge)) {
      return { grant, error: ['invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~].'] };
    }
    grant.challenge = { value: challenge, method };
  }
  return { grant };
}

function sendBack(rc: RequestContext, grant: PendingGrant, params: [string, string][]): void {
  if (grant.state !== null) params.push(['state', grant.state]);
  redirect(rc.res, withQuery(grant.target, params));
}

function deny(
  rc: RequestContext,
  grant: PendingGrant,
  error = 'access_denied',
  description = 'The user denied access.',
): void {
  // NOTE: denial is undocumented on Cloud; the mock follows RFC 6749 §4.1.2.1.
  sendBack(rc, grant, [
    ['error', error],
    ['error_description', description],
  ]);
}

function approve(ctx: MockContext, rc: RequestContext, grant: PendingGrant): void {
  const lifetime =
    ctx.settings.authorizationCodeLifetimeSeconds ?? (grant.family === 'cloud' ? LIFETIME.cloudCode : LIFETIME.dcCode);
  const code = ctx.store.issueCode({
    clientId: grant.client.clientId,
    family: grant.family,
    ...(grant.redirectUri !== undefined ? { redirectUri: grant.redirectUri } : {}),
    user: grant.user,
    scopes: grant.scopes,
    ...(grant.challenge ? { challenge: grant.challenge } : {}),
    expiresAt: Date.now() + lifetime * 1000,
  });
  sendBack(rc, grant, [['code', code]]);
}

function badRequest(rc: RequestContext, title: string, message: string): void {
  sendHtml(rc.res, 400, renderMessagePage(title, message));
}

/** `GET|POST /site/oauth2/authorize` (Cloud) and `/rest/oauth2/latest/authorize` (Data Center). */
export function authorizeHandler(family: Family): Handler {
  return (ctx, rc) => {
    const isPost = rc.req.method === 'POST';
    if (isPost && !isFormBody(rc.req))
      return badRequest(rc, 'Invalid request', 'The consent form must be form-encoded.');
    const params = isPost ? new URLSearchParams(rc.body) : rc.url.searchParams;
    const checked = check(ctx, rc, params, family);
    if ('page' in checked) return badRequest(rc, ...checked.page);
    const { grant, error } = checked;
    if (error) return deny(rc, grant, ...error);
    if (rc.denied) return deny(rc, grant);
    if (isPost) {
      const decision = params.get('decision');
      if (decision === 'deny') return deny(rc, grant);
      if (decision !== 'grant') return badRequest(rc, 'Invalid request', 'Choose "Grant access" or "Deny".');
      return approve(ctx, rc, grant);
    }
    if (ctx.settings.autoApprove) return approve(ctx, rc, grant);
    return sendHtml(
      rc.res,
      200,
      renderConsentPage({
        action: rc.url.pathname,
        clientId: grant.client.clientId,
        user: grant.user,
        permissions: scopeLabels(grant.scopes),
        hidden: hiddenFields(params, grant.user),
        switchUsers: switchUserLinks(ctx, rc, grant.user),
      }),
    );
  };
}
