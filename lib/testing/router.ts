import { emailsHandler, goneHandler, userHandler } from './api/routes';
import { cloudAvatarHandler, dcAvatarHandler } from './api/avatars';
import type { Route } from './server/context';
import { dcUserHandler, dcUsersHandler, whoamiHandler } from './datacenter/routes';
import { oauth1AuthorizeHandler } from './oauth1/authorize';
import { accessTokenHandler, requestTokenHandler } from './oauth1/token-routes';
import { authorizeHandler } from './oauth2/authorize';
import { tokenHandler } from './oauth2/token';
import type { MockDataCenterEndpoints } from './types';
import { WORKSPACE_ROUTES } from './api/workspaces';

const GET = ['GET'];
const POST = ['POST'];
const BOTH = ['GET', 'POST'];

/** Every path the mock serves, Cloud first, then Data Center. */
export const ROUTES: readonly Route[] = [
  // Bitbucket Cloud, OAuth 2.0 and API 2.0
  { pattern: /^\/site\/oauth2\/authorize$/, methods: BOTH, endpoint: 'authorize', handler: authorizeHandler('cloud') },
  { pattern: /^\/site\/oauth2\/access_token$/, methods: POST, endpoint: 'token', handler: tokenHandler('cloud') },
  { pattern: /^\/2\.0\/user$/, methods: GET, endpoint: 'user', handler: userHandler },
  { pattern: /^\/2\.0\/user\/emails$/, methods: GET, endpoint: 'emails', handler: emailsHandler },
  ...WORKSPACE_ROUTES,
  { pattern: /^\/avatars\/([^/]+)\.svg$/, methods: GET, handler: cloudAvatarHandler },
  // Bitbucket Cloud, OAuth 1.0a. NOTE: the documented URLs end with a slash; both forms are served.
  {
    pattern: /^\/api\/1\.0\/oauth\/request_token$/,
    methods: POST,
    endpoint: 'requestToken',
    handler: requestTokenHandler('cloud'),
  },
  {
    pattern: /^\/api\/1\.0\/oauth\/authenticate$/,
    methods: BOTH,
    endpoint: 'oauth1Authorize',
    handler: oauth1AuthorizeHandler('cloud'),
  },
  {
    pattern: /^\/api\/1\.0\/oauth\/access_token$/,
    methods: POST,
    endpoint: 'accessToken',
    handler: accessTokenHandler('cloud'),
  },
  // NOTE: API 1.0 was removed in 2019: 410 for everything but the OAuth 1.0a endpoints.
  { pattern: /^\/(?:api\/1\.0\/(?!oauth\/)|1\.0\/)/, methods: null, handler: goneHandler },
  // Bitbucket Data Center
  {
    pattern: /^\/rest\/oauth2\/latest\/authorize$/,
    methods: BOTH,
    endpoint: 'authorize',
    handler: authorizeHandler('dc'),
  },
  { pattern: /^\/rest\/oauth2\/latest\/token$/, methods: POST, endpoint: 'token', handler: tokenHandler('dc') },
  { pattern: /^\/plugins\/servlet\/applinks\/whoami$/, methods: GET, endpoint: 'whoami', handler: whoamiHandler },
  {
    pattern: /^\/rest\/api\/(?:latest|1\.0)\/users\/([^/]+)$/,
    methods: GET,
    endpoint: 'dcUser',
    handler: dcUserHandler,
  },
  // The users search: the same endpoint name as the users resource, so its faults apply to both.
  { pattern: /^\/rest\/api\/(?:latest|1\.0)\/users\/?$/, methods: GET, endpoint: 'dcUser', handler: dcUsersHandler },
  { pattern: /^\/users\/([^/]+)\/avatar\.png$/, methods: GET, handler: dcAvatarHandler },
  {
    pattern: /^\/plugins\/servlet\/oauth\/request-token$/,
    methods: POST,
    endpoint: 'requestToken',
    handler: requestTokenHandler('dc'),
  },
  {
    pattern: /^\/plugins\/servlet\/oauth\/authorize$/,
    methods: BOTH,
    endpoint: 'oauth1Authorize',
    handler: oauth1AuthorizeHandler('dc'),
  },
  {
    pattern: /^\/plugins\/servlet\/oauth\/access-token$/,
    methods: POST,
    endpoint: 'accessToken',
    handler: accessTokenHandler('dc'),
  },
];

/**
 * What a path and method resolve to. `outside`: a Data Center path requested outside the context path.
 * `dc` tells whether the path is in Data Center's part of the server (for `X-AUSERNAME` and error formats).
 */
export type RouteMatch = { dc: boolean } & (
  | { kind: 'route'; route: Route; param: string }
  | { kind: 'method'; route: Route; allow: string }
  | { kind: 'none' }
  | { kind: 'outside' }
);

/** Whether a path (context path removed) belongs to Data Center: REST, servlets and avatars. */
export function isDcPath(path: string): boolean {
  return path.startsWith('/rest/') || path.startsWith('/plugins/servlet/') || path.startsWith('/users/');
}

/**
 * Finds the route for a request. NOTE: Bitbucket serves every path with and without one trailing slash.
 * With a context path (`dcPath`), Data Center routes are only found under it.
 */
export function matchRoute(method: string, rawPath: string, dcPath: string): RouteMatch {
  let path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  if (dcPath !== '') {
    const inside = path.startsWith(`${dcPath}/`);
    if (inside) path = path.slice(dcPath.length);
    if (!inside && isDcPath(path)) return { dc: false, kind: 'outside' };
    if (inside && !isDcPath(path)) return { dc: true, kind: 'none' };
  }
  return { dc: isDcPath(path), ...findRoute(method, path) };
}

function findRoute(
  method: string,
  path: string,
): { kind: 'route'; route: Route; param: string } | { kind: 'method'; route: Route; allow: string } | { kind: 'none' } {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.methods && !route.methods.includes(method))
      return { kind: 'method', route, allow: route.methods.join(', ') };
    return { kind: 'route', route, param: m[1] ?? '' };
  }
  return { kind: 'none' };
}

/** The Data Center URLs under a base URL (the server's URL and the context path). */
export function dataCenterEndpoints(base: string): MockDataCenterEndpoints {
  return {
    baseURL: base,
    authorizationURL: `${base}/rest/oauth2/latest/authorize`,
    tokenURL: `${base}/rest/oauth2/latest/token`,
    requestTokenURL: `${base}/plugins/servlet/oauth/request-token`,
    userAuthorizationURL: `${base}/plugins/servlet/oauth/authorize`,
    accessTokenURL: `${base}/plugins/servlet/oauth/access-token`,
    whoamiURL: `${base}/plugins/servlet/applinks/whoami`,
    usersURL: `${base}/rest/api/latest/users/`,
  };
}
