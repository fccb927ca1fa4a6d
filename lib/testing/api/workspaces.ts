import { authorized, positiveInt } from './routes';
import type { Handler, Route } from '../server/context';
import { sendCloudError, sendJson } from '../server/http';
import { CLOUD_PAGELEN } from './render';
import type { MockUser, MockWorkspace } from '../types';

/** Largest `pagelen` Bitbucket Cloud accepts on paginated lists. */
const MAX_PAGELEN = 100;

/** One `workspace_access` row of `/2.0/user/workspaces`, in the shape CHANGE-3022 announced. */
function renderAccess(workspace: MockWorkspace): Record<string, unknown> {
  return {
    type: 'workspace_access',
    administrator: workspace.administrator ?? false,
    workspace: { type: 'workspace', uuid: workspace.uuid, slug: workspace.slug, name: workspace.name },
  };
}

/**
 * `GET /2.0/user/workspaces[?page=N][&pagelen=M]` (scope `account`): the workspaces the user can access,
 * paginated like every Cloud list (default `pagelen` 10, at most 100; `next`/`previous` absolute, only when
 * such a page exists; a page past the last one answers 404).
 */
export const userWorkspacesHandler: Handler = (ctx, rc) => {
  const ok = authorized(ctx, rc, 'account');
  if (!ok) return;
  const page = positiveInt(rc.url.searchParams.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const pagelen = positiveInt(rc.url.searchParams.get('pagelen'), CLOUD_PAGELEN, MAX_PAGELEN);
  if (page === null) return sendCloudError(rc.res, 400, 'Invalid page', undefined, ok.headers);
  if (pagelen === null) return sendCloudError(rc.res, 400, 'Invalid pagelen', undefined, ok.headers);
  const all = ok.user.workspaces ?? [];
  const start = (page - 1) * pagelen;
  if (page > 1 && start >= all.length) return sendCloudError(rc.res, 404, 'Page not found', undefined, ok.headers);
  const link = (n: number): string =>
    `${ctx.url}/2.0/user/workspaces?page=${n}${pagelen === CLOUD_PAGELEN ? '' : `&pagelen=${pagelen}`}`;
  sendJson(
    rc.res,
    200,
    {
      pagelen,
      values: all.slice(start, start + pagelen).map(renderAccess),
      page,
      size: all.length,
      ...(start + pagelen < all.length ? { next: link(page + 1) } : {}),
      ...(page > 1 ? { previous: link(page - 1) } : {}),
    },
    ok.headers,
  );
};

/** The user's workspace named by a slug (any case) or a `{uuid}`, as Bitbucket's URLs accept both. */
function findWorkspace(user: MockUser, id: string): MockWorkspace | undefined {
  const key = id.toLowerCase();
  return user.workspaces?.find((w) => w.slug.toLowerCase() === key || w.uuid.toLowerCase() === key);
}

/** `GET /2.0/user/workspaces/{workspace}/permission` (scope `account`): `{"permission":"owner"|"member"}`. */
export const workspacePermissionHandler: Handler = (ctx, rc) => {
  const ok = authorized(ctx, rc, 'account');
  if (!ok) return;
  let id: string;
  try {
    id = decodeURIComponent(rc.param);
  } catch {
    id = rc.param;
  }
  const workspace = findWorkspace(ok.user, id);
  // NOTE: what Bitbucket answers a non-member here is undocumented; the mock answers 404, as for an unknown workspace.
  if (!workspace) return sendCloudError(rc.res, 404, `No workspace with identifier '${id}'.`, undefined, ok.headers);
  sendJson(rc.res, 200, { permission: workspace.administrator ? 'owner' : 'member' }, ok.headers);
};

/**
 * The endpoints CHANGE-2770 removed in 2026: `/2.0/workspaces`, `/2.0/user/permissions/workspaces`,
 * `/2.0/user/permissions/repositories` and the cross-workspace `/2.0/repositories`.
 */
export const change2770Handler: Handler = (_ctx, rc) => {
  // NOTE: they answer 410 with this envelope, whoever asks (a client still calling them must learn why).
  sendJson(rc.res, 410, {
    type: 'error',
    error: {
      message: 'CHANGE-2770 - Functionality has been deprecated',
      detail: 'Please read the changelog entry for more details.',
      data: { announcement_url: 'https://developer.atlassian.com/cloud/bitbucket/changelog/#CHANGE-2770' },
    },
  });
};

const GET = ['GET'];

/** The workspace routes of the mock (Bitbucket Cloud API 2.0). */
export const WORKSPACE_ROUTES: readonly Route[] = [
  { pattern: /^\/2\.0\/user\/workspaces\/?$/, methods: GET, endpoint: 'workspaces', handler: userWorkspacesHandler },
  { pattern: /^\/2\.0\/user\/workspaces\/([^/]+)\/permission\/?$/, methods: GET, handler: workspacePermissionHandler },
  {
    pattern: /^\/2\.0\/(?:workspaces|user\/permissions\/(?:workspaces|repositories)|repositories)\/?$/,
    methods: null,
    handler: change2770Handler,
  },
];
