/**
 * A browser as far as a sign-in needs one: a cookie jar shared by every port of 127.0.0.1 (cookies
 * do not care about ports, so a cookie set by instance A is sent to instance B, as behind a load
 * balancer), redirects followed by hand, and a timeout on every request, so a hang is a failure.
 */

/** No request of a sign-in may take longer; a slower answer counts as a hang. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** One answer, its body read. `upstream` is the instance the proxy picked, when it went through the proxy. */
export interface Answer {
  status: number;
  location: string | null;
  text: string;
  upstream: string | null;
}

interface RawAnswer extends Answer {
  setCookies: string[];
}

/** GET with a timeout, no redirect following, the body read. */
async function get(url: string, headers: Record<string, string>): Promise<RawAnswer> {
  const res = await fetch(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return {
    status: res.status,
    location: res.headers.get('location'),
    text: await res.text(),
    upstream: res.headers.get('x-upstream'),
    setCookies: res.headers.getSetCookie(),
  };
}

/** One browser: its cookies go to every app URL it visits. */
export class Browser {
  private readonly jar = new Map<string, string>();

  /** Visits an app URL with this browser's cookies and keeps the cookies it sets. */
  async visit(url: string): Promise<Answer> {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await get(url, cookie ? { cookie } : {});
    for (const line of answer.setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now());
      if (expired || pair.slice(eq + 1) === '') this.jar.delete(name);
      else this.jar.set(name, pair.slice(eq + 1));
    }
    return answer;
  }
}

/** Bitbucket's side of the dance: the mock, signed in as `user` (its uuid), approves at once. */
export async function approveAs(authorizeURL: string, user: string): Promise<Answer> {
  return get(authorizeURL, { 'x-mock-user': user });
}

/** `url` with its origin replaced: the callback, sent to a chosen instance instead of the public URL. */
export function onOrigin(url: string, origin: string): string {
  const u = new URL(url);
  return `${origin}${u.pathname}${u.search}`;
}

/** The text of the first match of `pattern`'s group 1 in a page, entities decoded. */
export function pageText(html: string, pattern: RegExp): string | null {
  const raw = pattern.exec(html)?.[1];
  return raw === undefined ? null : raw.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** Who the home page says is signed in, or `null` when it shows the sign-in buttons. */
export function signedInAs(html: string): { name: string; uuid: string } | null {
  const name = pageText(html, /<p class="muted">Signed in as<\/p>\s*<h1>([^<]*)<\/h1>/);
  const uuid = pageText(html, /<dt>Bitbucket UUID<\/dt>\s*<dd><code>([^<]*)<\/code><\/dd>/);
  return name !== null && uuid !== null ? { name, uuid } : null;
}

/** The reason on the failure page (also the 503 page). */
export function failureText(html: string): string | null {
  return pageText(html, /<p class="error" role="alert">([^<]*)<\/p>/);
}
