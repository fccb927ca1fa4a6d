import { invalidResponse } from '../parse/narrow';

/**
 * Rows asked for per page of a Bitbucket Cloud list.
 * NOTE: Bitbucket's default is 10 and its documented maximum 100 ("individual APIs may enforce different values");
 * one page of 100 answers the common case in a single call, where 10 a page cost a round trip per page.
 */
export const PAGELEN = 100;

/** The first page's URL with `pagelen=100`, unless the configured URL sets a `pagelen` of its own. */
export function withPagelen(configured: string): string {
  // Without a query or a fragment (the default URLs), no URL parsing per login: it showed in the CPU profile.
  if (!/[?#]/.test(configured)) return `${configured}?pagelen=${PAGELEN}`;
  const url = new URL(configured);
  if (url.searchParams.has('pagelen')) return configured;
  url.searchParams.set('pagelen', String(PAGELEN));
  return url.href;
}

/** The same URL without `pagelen`: Bitbucket's default page size. */
export function withoutPagelen(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('pagelen');
  return url.href;
}

/**
 * Checks a `next` link of the `list` (emails, workspaces): same origin as the first page (credentials never go
 * elsewhere), never seen before. Keeps the current page's `pagelen` when `next` names none.
 * NOTE: Bitbucket's documented `next` is `…/2.0/user/emails?page=2`, without the `pagelen` the first page asked for:
 * followed as it is, page 2 would come in Bitbucket's default size (10) and hold rows 11–20, read already, and a
 * user with more than 100 addresses would run into `maxEmailPages` before reaching the rest.
 */
export function nextPageURL(list: string, next: string, current: string, origin: string, seen: Set<string>): string {
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw invalidResponse(`${list} page "next" property must be a URL`);
  }
  if (url.origin !== origin) throw invalidResponse(`${list} page "next" points to another origin (${url.origin})`);
  const pagelen = new URL(current).searchParams.get('pagelen');
  if (pagelen !== null && !url.searchParams.has('pagelen')) url.searchParams.set('pagelen', pagelen);
  if (seen.has(url.href)) throw invalidResponse(`${list} page "next" points to a page already read`);
  return url.href;
}
