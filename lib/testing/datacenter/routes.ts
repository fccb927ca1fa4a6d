import type { ResourceAuth } from '../server/context';
import type { Handler, MockContext, RequestContext } from '../server/context';
import { sendDcError, sendJson, sendText } from '../server/http';
import { renderDcUser } from '../api/render';
import { dcIdentity, findDcUser } from '../users/users';

/** The `X-AUSERNAME` value for an authenticated request, `undefined` otherwise. */
export function aUsername(ctx: MockContext, auth: ResourceAuth): string | undefined {
  if (!auth.ok) return undefined;
  const name = dcIdentity(ctx.users, auth.user).name;
  // NOTE: every Data Center response names the authenticated user in X-AUSERNAME, raw (`jane.doe@corp`).
  // The encoding of non-ASCII names is undocumented: the mock sends their UTF-8 bytes. A name a header cannot
  // carry (control characters) is percent-encoded, as is every name with `aUsernameEncoding: 'percent'`.
  const bytes = Buffer.from(name, 'utf8').toString('latin1');
  const sendable = !/[^\t\x20-\x7e\x80-\xff]/.test(bytes);
  return ctx.settings.aUsernameEncoding === 'percent' || !sendable ? encodeURIComponent(name) : bytes;
}

/**
 * `GET /plugins/servlet/applinks/whoami`: the username as text/plain. NOTE: an anonymous request gets
 * 200 with an empty body and no X-AUSERNAME (clients must read the header, not the status); a token
 * that is not accepted gets 401.
 */
export const whoamiHandler: Handler = (ctx, rc) => {
  const auth = rc.dcAuth();
  if (!auth.ok) return auth.reason === 'missing' ? sendText(rc.res, 200, '') : sendText(rc.res, 401, 'Unauthorized');
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
  const { dcBase, settings } = ctx;
  sendJson(
    rc.res,
    200,
    renderDcUser(dcBase, settings.dataCenterPath, ctx.users, user, rc.url.searchParams.get('avatarSize')),
  );
};

/**
 * `GET /rest/api/latest/users?filter=…[&start=N][&limit=N][&avatarSize=N]`: a page of the users whose name, display
 * name or email address contains `filter` (case-insensitive), in Data Center's paged shape.
 */
export const dcUsersHandler: Handler = (ctx, rc) => {
  const auth = rc.dcAuth();
  if (!auth.ok) return refuse(rc, auth);
  const query = rc.url.searchParams;
  const filter = (query.get('filter') ?? '').toLowerCase();
  const start = Math.max(0, Number.parseInt(query.get('start') ?? '0', 10) || 0);
  const limit = Math.min(1000, Math.max(1, Number.parseInt(query.get('limit') ?? '25', 10) || 25));
  const { dcBase, settings, users } = ctx;
  const matching = users.filter((user) => {
    const dc = dcIdentity(users, user);
    return [dc.name, user.displayName, dc.emailAddress ?? ''].some((text) => text.toLowerCase().includes(filter));
  });
  const page = matching.slice(start, start + limit);
  const isLastPage = start + limit >= matching.length;
  sendJson(rc.res, 200, {
    size: page.length,
    limit,
    isLastPage,
    values: page.map((user) => renderDcUser(dcBase, settings.dataCenterPath, users, user, query.get('avatarSize'))),
    start,
    ...(isLastPage ? {} : { nextPageStart: start + limit }),
  });
};
