import type { ResourceAuth } from './auth';
import type { Handler, MockContext, RequestContext } from './context';
import { sendDcError, sendJson, sendText } from './http';
import { renderDcUser } from './render';
import { dcIdentity, findDcUser } from './users';

/** Whether a path belongs to Data Center (REST and servlets). */
export function isDcPath(path: string): boolean {
  return path.startsWith('/rest/') || path.startsWith('/plugins/servlet/');
}

/** The DC OAuth 1.0a endpoints, whose `Authorization: OAuth` header signs a token request, not a user. */
export function isDcOAuth1Path(path: string): boolean {
  return path.startsWith('/plugins/servlet/oauth/');
}

/** The `X-AUSERNAME` value for an authenticated request, `undefined` otherwise. */
export function aUsername(ctx: MockContext, auth: ResourceAuth): string | undefined {
  // NOTE: every Data Center response names the authenticated user in X-AUSERNAME (URL-encoded).
  return auth.ok ? encodeURIComponent(dcIdentity(ctx.users, auth.user).name) : undefined;
}

/** `GET /plugins/servlet/applinks/whoami`: the username as text/plain, 401 when not authenticated. */
export const whoamiHandler: Handler = (ctx, rc) => {
  const auth = rc.dcAuth();
  if (!auth.ok) return sendText(rc.res, 401, 'Unauthorized');
  sendText(rc.res, 200, dcIdentity(ctx.users, auth.user).name);
};

function refuse(rc: RequestContext, auth: ResourceAuth & { ok: false }): void {
  if (auth.reason === 'missing') {
    return sendDcError(
      rc.res,
      401,
      'You are not permitted to access this resource',
      'com.atlassian.bitbucket.AuthorisationException',
    );
  }
  sendDcError(
    rc.res,
    401,
    auth.reason === 'expired'
      ? 'Access token expired.'
      : 'Authentication failed. Please check your credentials and try again.',
    'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
  );
}

/** `GET /rest/api/latest/users/{slug}[?avatarSize=N]` (also `/rest/api/1.0/…`). */
export const dcUserHandler: Handler = (ctx, rc) => {
  const auth = rc.dcAuth();
  if (!auth.ok) return refuse(rc, auth);
  let slug = rc.param;
  try {
    slug = decodeURIComponent(rc.param);
  } catch {
    // NOTE: a malformed escape is looked up as it is, and not found.
  }
  const user = findDcUser(ctx.users, slug);
  if (!user) {
    return sendDcError(rc.res, 404, `User ${slug} does not exist.`, 'com.atlassian.bitbucket.user.NoSuchUserException');
  }
  sendJson(rc.res, 200, renderDcUser(ctx.url, ctx.users, user, rc.url.searchParams.get('avatarSize')));
};
