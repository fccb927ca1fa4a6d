import type { MockContext, RequestContext } from '../server/context';
import type { MockUser } from '../types';
import { findUser, unknownUserMessage } from '../users/users';

/**
 * The user "signed in" to the mock for a browser step: the `mock_user` parameter (username, uuid, account id or
 * nickname), else the `x-mock-user` header, else the first user. A named user that is unknown is
 * `{ unknown: message }`, the message listing the users that can be chosen.
 */
export function signedInUser(
  ctx: MockContext,
  rc: RequestContext,
  params: URLSearchParams,
): MockUser | { unknown: string } {
  const header = rc.req.headers['x-mock-user'];
  const named = params.get('mock_user') ?? (typeof header === 'string' ? header : null);
  const user = named === null ? ctx.users[0] : findUser(ctx.users, named);
  return user ?? { unknown: unknownUserMessage(ctx.users, named ?? '') };
}

/** Links to the same GET page signed in as each other user. */
export function switchUserLinks(
  ctx: MockContext,
  rc: RequestContext,
  current: MockUser,
): { label: string; href: string }[] {
  return ctx.users
    .filter((u) => u !== current)
    .map((u) => {
      const query = new URLSearchParams(rc.url.searchParams);
      query.set('mock_user', u.uuid);
      return { label: u.displayName, href: `${rc.url.pathname}?${query.toString()}` };
    });
}

/** The original parameters as hidden form fields, with the chosen user pinned. */
export function hiddenFields(params: URLSearchParams, user: MockUser): [string, string][] {
  const fields = [...params].filter(([name]) => name !== 'mock_user' && name !== 'decision');
  fields.push(['mock_user', user.uuid]);
  return fields;
}
