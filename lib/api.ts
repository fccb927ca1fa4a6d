import { BitbucketAPIError, excerpt, redact } from './errors';
import { describeEndpoint, httpRequest, TransportError, type HttpLimits, type HttpResponse } from './http';
import { invalidResponse, isObject, optionalString, optionalStringArray, parseJSON } from './narrow';
import { parseCloudProfile, parseDataCenterProfile, parseEmailsPage } from './profile';
import type { BitbucketEmail, BitbucketEmailsError, BitbucketProfile } from './profile-types';

/** Signs one GET: `Bearer …` for OAuth 2.0, an `OAuth …` header for OAuth 1.0a. */
export type Authorizer = (method: 'GET', url: string) => string;

/** What every REST call needs. */
export interface APIContext extends HttpLimits {
  authorize: Authorizer;
  /** Most emails pages followed before giving up. */
  maxEmailPages: number;
  signal?: AbortSignal;
}

/** Turns an error answer into a `BitbucketAPIError`, reading Bitbucket's envelopes when present. */
export function apiError(method: string, url: string, response: HttpResponse): BitbucketAPIError {
  const target = describeEndpoint(method, url);
  const { status } = response;
  let json: unknown;
  try {
    json = JSON.parse(response.body) as unknown;
  } catch {
    json = undefined;
  }
  // Cloud: {"type":"error","error":{"message":…,"detail":{"required":[…],"granted":[…]}}}
  const cloud = isObject(json) && isObject(json.error) ? json.error : undefined;
  const detail = cloud && isObject(cloud.detail) ? cloud.detail : undefined;
  // Data Center: {"errors":[{"message":…}]}
  const dcFirst: unknown = isObject(json) && Array.isArray(json.errors) ? json.errors[0] : undefined;
  // NOTE: Bitbucket's own errors are its JSON envelopes or short plain text ("Invalid credentials."); an HTML
  // page comes from a proxy or an outage page, and its markup is no message for anyone to read.
  const contentType = (response.headers['content-type'] ?? '').toLowerCase();
  const plainText = !contentType.includes('html') && !/^\s*</.test(response.body) && response.body.trim() !== '';
  const message =
    optionalString(cloud?.message) ??
    (isObject(dcFirst) ? optionalString(dcFirst.message) : undefined) ??
    (plainText && json === undefined ? excerpt(response.body, 120) : undefined);
  const kind = status >= 300 && status < 400 ? 'redirect' : 'http';
  const size = Buffer.byteLength(response.body);
  const type = contentType.split(';')[0]?.trim();
  const hint =
    message !== undefined
      ? `: ${excerpt(message)}`
      : size > 0
        ? ` (${type === '' ? 'untyped' : type}, ${size} bytes)`
        : '';
  return new BitbucketAPIError(`${target} answered ${status}${hint}`, {
    code: kind,
    status,
    url: target,
    bitbucketMessage: message ?? null,
    required: optionalStringArray(detail?.required) ?? null,
    granted: optionalStringArray(detail?.granted) ?? null,
    retryAfter: status === 429 ? retryAfterSeconds(response.headers['retry-after']) : null,
  });
}

/**
 * `Retry-After` in seconds: delay-seconds, or an HTTP-date (RFC 9110 §10.2.3); `null` when absent or unreadable.
 * NOTE: `Number()` would read an empty header as 0 ("retry now") and accept `1e3` or `0x10`.
 */
function retryAfterSeconds(header: string | string[] | undefined): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The credentials an Authorization header carries: a bearer token, or OAuth 1.0a's token and signature. */
function credentialsIn(authorization: string): string[] {
  const bearer = /^Bearer\s+(\S+)/i.exec(authorization)?.[1];
  if (bearer !== undefined) return [bearer];
  const found: string[] = [];
  for (const [, value = ''] of authorization.matchAll(/\b(?:oauth_token|oauth_signature)="([^"]+)"/g)) {
    found.push(value);
    try {
      found.push(decodeURIComponent(value));
    } catch {
      // NOTE: not percent-encoding: the raw value is blanked out all the same.
    }
  }
  return found;
}

/** One authorized GET. Transport failures become `BitbucketAPIError`s; the answer is returned whatever its status. */
async function get(url: string, ctx: APIContext): Promise<HttpResponse> {
  const authorization = ctx.authorize('GET', url);
  // NOTE: the token is what the token endpoint sent; one with a character no header may carry (CR, LF, …)
  // would make Node throw an untyped TypeError, and must never reach the wire as a header line of its own.
  if (/[^\t\x20-\x7e\x80-\xff]/.test(authorization)) {
    throw invalidResponse('access token has characters an Authorization header cannot carry');
  }
  let response: HttpResponse;
  try {
    response = await httpRequest({
      method: 'GET',
      url,
      headers: { Authorization: authorization, Accept: 'application/json' },
      timeoutMs: ctx.timeoutMs,
      maxBytes: ctx.maxBytes,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (err) {
    if (err instanceof TransportError) {
      throw new BitbucketAPIError(err.message, { code: err.code, url: describeEndpoint('GET', url), cause: err });
    }
    throw err;
  }
  if (response.status >= 200 && response.status < 300) return response;
  // NOTE: some proxies and debug pages echo the request's headers in their error pages.
  return { ...response, body: redact(response.body, credentialsIn(authorization)) };
}

/** An authorized GET that must answer 2xx with JSON. */
async function getJSON(url: string, ctx: APIContext): Promise<{ json: unknown; raw: string; response: HttpResponse }> {
  const response = await get(url, ctx);
  if (response.status < 200 || response.status >= 300) throw apiError('GET', url, response);
  return {
    json: parseJSON(response.body, response.status, describeEndpoint('GET', url)),
    raw: response.body,
    response,
  };
}

/** Every address on every emails page, or why the login goes on without them. */
export interface EmailsResult {
  emails: BitbucketEmail[];
  emailsError?: BitbucketEmailsError;
}

/**
 * Reads every page of `/2.0/user/emails`, following `next`.
 * NOTE: a consumer without the `email` scope gets 403 here; that must not fail the login,
 * so the profile goes on without emails and says why in `emailsError`.
 */
export async function fetchEmails(emailsURL: string, ctx: APIContext): Promise<EmailsResult> {
  const origin = new URL(emailsURL).origin;
  const seen = new Set<string>();
  const emails: BitbucketEmail[] = [];
  let url: string | null = emailsURL;
  while (url !== null) {
    if (seen.size >= ctx.maxEmailPages) {
      throw invalidResponse(`emails go on past the maxEmailPages limit (${ctx.maxEmailPages})`);
    }
    seen.add(url);
    let page;
    try {
      page = parseEmailsPage((await getJSON(url, ctx)).json);
    } catch (err) {
      if (err instanceof BitbucketAPIError && err.status === 403) {
        // The addresses of the pages already read are kept: the profile says why the rest is missing.
        return {
          emails,
          emailsError: {
            status: 403,
            message: err.bitbucketMessage ?? err.message,
            ...(err.required ? { required: err.required } : {}),
            ...(err.granted ? { granted: err.granted } : {}),
          },
        };
      }
      throw err;
    }
    emails.push(...page.emails);
    url = page.next === null ? null : nextPageURL(page.next, url, origin, seen);
  }
  return { emails };
}

/** Checks a `next` link: same origin as the first page (credentials never go elsewhere), never seen before. */
function nextPageURL(next: string, current: string, origin: string, seen: Set<string>): string {
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw invalidResponse('emails page "next" property must be a URL');
  }
  if (url.origin !== origin) throw invalidResponse(`emails page "next" points to another origin (${url.origin})`);
  if (seen.has(url.href)) throw invalidResponse('emails page "next" points to a page already read');
  return url.href;
}

/** Where the Cloud profile comes from. */
export interface CloudProfileSources {
  userProfileURL: string;
  /** `null` skips the emails call. */
  userEmailsURL: string | null;
}

/**
 * Reads the Cloud user and all their emails, in parallel, and parses them into a profile.
 * When one call fails the other is cancelled, so no request outlives the login.
 */
export async function fetchCloudProfile(sources: CloudProfileSources, ctx: APIContext): Promise<BitbucketProfile> {
  const cancel = new AbortController();
  const shared = { ...ctx, signal: cancel.signal };
  const failures: unknown[] = [];
  const firstFailureCancels = (err: unknown): never => {
    failures.push(err);
    cancel.abort();
    throw err;
  };
  const userCall = getJSON(sources.userProfileURL, shared).catch(firstFailureCancels);
  const emailsCall: Promise<EmailsResult> =
    sources.userEmailsURL === null
      ? Promise.resolve({ emails: [] })
      : fetchEmails(sources.userEmailsURL, shared).catch(firstFailureCancels);
  const [user, emails] = await Promise.allSettled([userCall, emailsCall]);
  if (user.status === 'rejected' || emails.status === 'rejected') throw failures[0];
  return parseCloudProfile({
    user: user.value.json,
    raw: user.value.raw,
    emails: emails.value.emails,
    ...(emails.value.emailsError ? { emailsError: emails.value.emailsError } : {}),
  });
}

/** Where the Data Center profile comes from. */
export interface DataCenterProfileSources {
  baseURL: string;
  /** The `whoami` servlet. */
  whoamiURL: string;
  /** The users resource, ending in `/`. */
  usersURL: string;
}

/**
 * Reads the Data Center user: `whoami` names them, then the users resource describes them.
 * NOTE: Data Center has no "myself" endpoint; every response names the user in `X-AUSERNAME`,
 * and whoami can answer 200 for an anonymous caller, so the header is read, not the status.
 */
export async function fetchDataCenterProfile(
  sources: DataCenterProfileSources,
  ctx: APIContext,
): Promise<BitbucketProfile> {
  const whoami = await get(sources.whoamiURL, ctx);
  if (whoami.status < 200 || whoami.status >= 300) throw apiError('GET', sources.whoamiURL, whoami);
  const header = whoami.headers['x-ausername'];
  const username = decodeHeaderValue(optionalString(Array.isArray(header) ? header[0] : header)?.trim());
  if (username === undefined) {
    throw invalidResponse('whoami carries no X-AUSERNAME header (the token was not accepted)', whoami.status);
  }
  const { json, raw, response } = await getDataCenterUser(sources.usersURL, username, ctx);
  // NOTE: a proxy or cache answering with someone else's user must not sign this user in as them.
  const names = isObject(json) ? [json.name, json.slug].filter((n): n is string => typeof n === 'string') : [];
  if (names.length > 0 && !names.some((n) => n.toLowerCase() === username.toLowerCase())) {
    throw invalidResponse('users resource describes another user than whoami named', response.status);
  }
  return parseDataCenterProfile(json, sources.baseURL, raw);
}

/**
 * Reads `users/{slug}` for a user name.
 * NOTE: Data Center addresses users by slug, which it derives from the name in lower case; X-AUSERNAME
 * carries the name as typed (`JDoe`). The name is tried first, then, on a 404, its lower-case form.
 */
async function getDataCenterUser(
  usersURL: string,
  username: string,
  ctx: APIContext,
): Promise<{ json: unknown; raw: string; response: HttpResponse }> {
  const urlFor = (slug: string): string => `${usersURL}${encodeURIComponent(slug)}?avatarSize=256`;
  try {
    return await getJSON(urlFor(username), ctx);
  } catch (err) {
    const lower = username.toLowerCase();
    if (!(err instanceof BitbucketAPIError && err.status === 404) || lower === username) throw err;
    return getJSON(urlFor(lower), ctx);
  }
}

/**
 * NOTE: Bitbucket Data Center URL-encodes `X-AUSERNAME` (a name like `jane@corp` arrives as
 * `jane%40corp`); a value that is not valid percent-encoding is taken as it is.
 */
function decodeHeaderValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
