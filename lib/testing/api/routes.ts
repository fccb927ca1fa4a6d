import { authenticate } from './auth';
import type { AuthFailure, Handler, MockContext, RequestContext } from '../server/context';
import { sendCloudError, sendJson, sendText } from '../server/http';
import { CLOUD_PAGELEN, renderCloudUser, renderEmailsPage } from './render';
import type { MockUser } from '../types';

/** The message Cloud sends for a token it does not accept. */
export const TOKEN_INVALID = 'Token is invalid, expired, or not supported for this endpoint.';

function refuse(rc: RequestContext, reason: AuthFailure, headers: Record<string, string>): void {
  switch (reason) {
    case 'expired':
      return sendCloudError(rc.res, 401, 'Access token expired.', undefined, headers);
    case 'basic':
      // NOTE: bad Basic credentials get a plain-text 401 and a Basic challenge (the mock knows no app passwords).
      return sendText(rc.res, 401, 'Invalid credentials.', {
        ...headers,
        'www-authenticate': 'Basic realm="Bitbucket.org HTTP"',
      });
    case 'signature':
      return sendCloudError(rc.res, 401, 'Could not verify OAuth request.', undefined, headers);
    case 'missing':
      return sendCloudError(rc.res, 401, 'Authentication required.', undefined, headers);
    default:
      return sendCloudError(rc.res, 401, TOKEN_INVALID, undefined, headers);
  }
}

// NOTE: a ":write"/":admin" scope implies the read scope of the same name.
function hasScope(granted: readonly string[], required: string): boolean {
  return granted.some((g) => g === required || g.startsWith(`${required}:`));
}

/** Authenticates a Cloud API request and checks one scope; answers the error itself and returns null on failure. */
export function authorized(
  ctx: MockContext,
  rc: RequestContext,
  required: string,
): { user: MockUser; headers: Record<string, string> } | null {
  const headers: Record<string, string> = { 'x-accepted-oauth-scopes': required };
  const auth = authenticate(ctx, rc, 'cloud');
  if (!auth.ok) {
    refuse(rc, auth.reason, headers);
    return null;
  }
  headers['x-oauth-scopes'] = auth.scopes.join(', ');
  headers['x-credential-type'] = auth.credential;
  if (!hasScope(auth.scopes, required)) {
    sendCloudError(
      rc.res,
      403,
      'Your credentials lack one or more required privilege scopes.',
      { required: [required], granted: auth.scopes },
      headers,
    );
    return null;
  }
  return { user: auth.user, headers };
}

/** `GET /2.0/user` (scope `account`). */
export const userHandler: Handler = (ctx, rc) => {
  const ok = authorized(ctx, rc, 'account');
  if (ok) sendJson(rc.res, 200, renderCloudUser(ctx.url, ok.user), ok.headers);
};

/** A `page`/`pagelen` query value from 1 to `max`; `fallback` when absent, `null` when out of range. */
export function positiveInt(value: string | null, fallback: number, max: number): number | null {
  if (value === null) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : 0;
  return n >= 1 && n <= max ? n : null;
}

/** `GET /2.0/user/emails[?page=N][&pagelen=M]` (scope `email`). */
export const emailsHandler: Handler = (ctx, rc) => {
  const ok = authorized(ctx, rc, 'email');
  if (!ok) return;
  const page = positiveInt(rc.url.searchParams.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const pagelen = positiveInt(rc.url.searchParams.get('pagelen'), CLOUD_PAGELEN, 100);
  if (page === null) return sendCloudError(rc.res, 400, 'Invalid page', undefined, ok.headers);
  if (pagelen === null) return sendCloudError(rc.res, 400, 'Invalid pagelen', undefined, ok.headers);
  // NOTE: a page past the last one answers 404 (page 1 always exists, even for an empty list).
  if (page > 1 && (page - 1) * pagelen >= ok.user.emails.length) {
    return sendCloudError(rc.res, 404, 'Resource not found', `Page ${page} does not exist.`, ok.headers);
  }
  sendJson(rc.res, 200, renderEmailsPage(ctx.url, ok.user, page, pagelen), ok.headers);
};

/** Any path the mock does not serve. */
export const notFoundHandler: Handler = (_ctx, rc) => {
  sendCloudError(
    rc.res,
    404,
    'Resource not found',
    "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/",
  );
};

/** `/1.0/*` and `/api/1.0/*` (except OAuth 1.0a): API 1.0 was removed on 2019-04-29. */
export const goneHandler: Handler = (_ctx, rc) => {
  // NOTE: the removed API 1.0 answers 410.
  sendCloudError(
    rc.res,
    410,
    'Resource removed',
    'This API is no longer supported.\n\nFor information about its removal, please refer to the deprecation notice at: https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis/',
  );
};
