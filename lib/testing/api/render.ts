import type { MockUser } from '../types';
import { avatarPath, dcIdentity } from '../users/users';

/** Default page length of Bitbucket Cloud's paginated lists. */
export const CLOUD_PAGELEN = 10;

// NOTE: real accounts show their creation time; the mock shows one fixed instant for all.
const CREATED_ON = '2019-02-19T10:36:46.361566+00:00';

/** `GET /2.0/user` body, in the shape Bitbucket Cloud sends (see bitbucket-facts.md). */
export function renderCloudUser(base: string, user: MockUser): Record<string, unknown> {
  const id = encodeURIComponent(user.uuid);
  return {
    // NOTE: `username` is absent for accounts that have none (2019 GDPR changes).
    ...(user.username !== undefined ? { username: user.username } : {}),
    display_name: user.displayName,
    has_2fa_enabled: null,
    links: {
      hooks: { href: `${base}/2.0/users/${id}/hooks` },
      self: { href: `${base}/2.0/users/${id}` },
      repositories: { href: `${base}/2.0/repositories/${id}` },
      html: { href: `${base}/${id}/` },
      avatar: { href: user.avatarURL ?? `${base}${avatarPath(user)}` },
      snippets: { href: `${base}/2.0/snippets/${id}` },
    },
    // NOTE: `nickname` is not unique; `account_id` is the stable key shared across Atlassian products.
    nickname: user.nickname,
    account_id: user.accountId,
    created_on: CREATED_ON,
    is_staff: false,
    account_status: 'active',
    type: 'user',
    // NOTE: the uuid keeps its braces.
    uuid: user.uuid,
    location: null,
  };
}

/** `GET /2.0/user/emails` body for one page (1-based). `next` only when more pages follow. */
export function renderEmailsPage(base: string, user: MockUser, page: number, pagelen: number): Record<string, unknown> {
  const start = (page - 1) * pagelen;
  const values = user.emails.slice(start, start + pagelen).map((e) => ({
    is_primary: e.primary,
    is_confirmed: e.confirmed,
    type: 'email',
    email: e.email,
    links: { self: { href: `${base}/2.0/user/emails/${encodeURIComponent(e.email).replace(/%40/g, '@')}` } },
  }));
  const more = start + pagelen < user.emails.length;
  const lenParam = pagelen === CLOUD_PAGELEN ? '' : `&pagelen=${pagelen}`;
  const pageURL = (n: number): string => `${base}/2.0/user/emails?page=${n}${lenParam}`;
  return {
    pagelen,
    values,
    page,
    size: user.emails.length,
    // NOTE: `next` and `previous` are absolute URLs, present only when such a page exists.
    ...(more ? { next: pageURL(page + 1) } : {}),
    ...(page > 1 ? { previous: pageURL(page - 1) } : {}),
  };
}

/** `GET /rest/api/latest/users/{slug}` body (Data Center); `base` is the server's URL and `contextPath`. */
export function renderDcUser(
  base: string,
  contextPath: string,
  users: readonly MockUser[],
  user: MockUser,
  avatarSize: string | null,
): Record<string, unknown> {
  const dc = dcIdentity(users, user);
  const slug = encodeURIComponent(dc.slug);
  return {
    name: dc.name,
    ...(dc.emailAddress !== undefined ? { emailAddress: dc.emailAddress } : {}),
    id: dc.id,
    displayName: user.displayName,
    active: true,
    slug: dc.slug,
    type: 'NORMAL',
    links: { self: [{ href: `${base}/users/${slug}` }] },
    // NOTE: Data Center sends `avatarUrl` only when `avatarSize` is asked for, as a path on the server: the
    // context path is in it (`/bitbucket/users/…`), so it resolves against the origin, not the base URL.
    ...(avatarSize !== null
      ? { avatarUrl: `${contextPath}/users/${slug}/avatar.png?s=${encodeURIComponent(avatarSize)}` }
      : {}),
  };
}

/** A small SVG avatar with the user's initial (served for both Cloud and Data Center avatar links). */
export function renderAvatarSvg(user: MockUser, index: number): string {
  const safe = user.displayName
    .trim()
    .charAt(0)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '?');
  const color = `hsl(${(index * 67) % 360} 65% 38%)`;
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">' +
    `<rect width="128" height="128" rx="64" fill="${color}"/>` +
    `<text x="64" y="84" font-family="sans-serif" font-size="56" fill="#fff" text-anchor="middle">${safe}</text></svg>`
  );
}
