import { BitbucketAPIError, excerpt } from '../errors';
import { redact } from '../redact';
import { retryAfterSeconds } from '../transport/retry-after';
import {
  describeEndpoint,
  httpRequest,
  TransportError,
  type Cancellation,
  type HttpLimits,
  type HttpResponse,
} from '../transport/http';
import { invalidResponse, isObject, optionalString, optionalStringArray, parseJSON } from '../parse/narrow';
import type { TraceTarget } from '../observe/channels';
import { traceAPICall, type StatusNote } from '../observe/trace-calls';

/** Signs one GET: `Bearer …` for OAuth 2.0, an `OAuth …` header for OAuth 1.0a. */
export type Authorizer = (method: 'GET', url: string) => string;

/** What every REST call needs. */
export interface APIContext extends HttpLimits {
  authorize: Authorizer;
  /** Most emails pages followed before giving up. */
  maxEmailPages: number;
  /** Cancels this call when another read of the same login failed. */
  cancellation?: Cancellation;
  /** Who asks, for the `passport-bitbucket-oauth:api` channel and the debug log. */
  trace: TraceTarget;
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
    // One line, bidi controls out, at most 500 characters: apps show it, and an endpoint may send anything here.
    bitbucketMessage: message === undefined ? null : excerpt(message, 500),
    required: optionalStringArray(detail?.required) ?? null,
    granted: optionalStringArray(detail?.granted) ?? null,
    // NOTE: a 503 (maintenance, overload) may say when to come back, as a 429 does.
    retryAfter: status === 429 || status === 503 ? retryAfterSeconds(response.headers['retry-after']) : null,
  });
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
export function get(url: string, ctx: APIContext): Promise<HttpResponse> {
  return traceAPICall(ctx.trace, url, (note) => sendGet(url, ctx, note));
}

/** The GET itself; notes the status as soon as the answer arrives. */
async function sendGet(url: string, ctx: APIContext, note: StatusNote): Promise<HttpResponse> {
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
      agent: ctx.agent,
      proxyFromEnv: ctx.proxyFromEnv,
      cancellation: ctx.cancellation,
    });
  } catch (err) {
    if (err instanceof TransportError) {
      throw new BitbucketAPIError(err.message, { code: err.code, url: describeEndpoint('GET', url), cause: err });
    }
    throw err;
  }
  note.status = response.status;
  if (response.status >= 200 && response.status < 300) return response;
  // NOTE: some proxies and debug pages echo the request's headers in their error pages.
  return {
    status: response.status,
    headers: response.headers,
    body: redact(response.body, credentialsIn(authorization)),
  };
}

/** An authorized GET that must answer 2xx with JSON. */
export async function getJSON(
  url: string,
  ctx: APIContext,
): Promise<{ json: unknown; raw: string; response: HttpResponse }> {
  const response = await get(url, ctx);
  if (response.status < 200 || response.status >= 300) throw apiError('GET', url, response);
  return {
    json: parseJSON(response.body, response.status, describeEndpoint('GET', url)),
    raw: response.body,
    response,
  };
}
