import type * as http from 'node:http';
import { urlToHttpOptions } from 'node:url';

/** Default time limit for one call to Bitbucket, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default cap on a response body, in bytes: Bitbucket's answers are a few kilobytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Limits that apply to every call to Bitbucket. */
export interface HttpLimits {
  /** Total time for the call, from connecting to the last byte. */
  timeoutMs: number;
  /** Largest body read; a larger one ends the call. */
  maxBytes: number;
  /** The caller's own agent (a proxy agent, say); default: this process's keep-alive pool for the origin. */
  agent?: http.Agent | undefined;
  /**
   * Through the environment's proxy (`HTTPS_PROXY`, …): the process opted in with `NODE_USE_ENV_PROXY=1` when the
   * strategy was built, and brought no `agent` of its own (see `transport/env-proxy.ts`).
   */
  proxyFromEnv?: boolean;
}

/** One outbound request. */
export interface HttpRequest extends HttpLimits {
  method: 'GET' | 'POST';
  url: string;
  /** Made for this call: the transport adds `User-Agent` (and `Content-Length`) to it. */
  headers?: Record<string, string>;
  body?: string;
  /** Ends the call early when cancelled (another read of the same login failed). */
  cancellation?: Cancellation;
}

/**
 * Cancels the calls that share it: the parallel reads of one login, when one of them fails.
 * NOTE: not an `AbortController`: its `EventTarget` (creating the signal, adding and removing a listener per
 * call) showed in the CPU profile of every login, for a cancellation that almost never happens.
 */
export class Cancellation {
  #cancelled = false;
  // NOTE: an array, not a Set: two or three listeners per login, each added and removed once.
  #listeners: (() => void)[] = [];

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Cancels once: every listener is called, in the order they were added. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  /** Calls `listener` on cancellation; returns how to stop listening. */
  onCancel(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }
}

/** A complete response. Redirects are returned as they are, never followed. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Why a call produced no response. */
export type TransportErrorCode = 'timeout' | 'too_large' | 'network' | 'cancelled';

/** A call that produced no usable response. The message names the endpoint, never a credential. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where `http.request` sends a call: the URL's parts it reads, and nothing else. */
export interface RequestTarget {
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  auth: string | undefined;
}

/** A URL as every call to it needs it, parsed once. */
export interface ParsedURL {
  url: URL;
  /** Origin and path, without the query string: what messages name. */
  endpoint: string;
  /** `http.request`'s options for it, without method, headers and agent. */
  options: Readonly<RequestTarget>;
}

/**
 * The options `http.request` needs for `url`, as `urlToHttpOptions` makes them (brackets off an IPv6 host, the
 * path with its query) but only those: every option given is copied again by Node at every call.
 */
function requestTarget(url: URL): RequestTarget {
  const { protocol, hostname, port, path, auth } = urlToHttpOptions(url);
  return {
    protocol: protocol ?? url.protocol,
    hostname: hostname ?? url.hostname,
    port: port === undefined || port === null || port === '' ? undefined : Number(port),
    path: path ?? '/',
    auth: auth ?? undefined,
  };
}

/** The URLs parsed lately: a strategy calls a handful (the token URL, the user's, the first emails page). */
const parsedURLs = new Map<string, ParsedURL>();
const MAX_PARSED_URLS = 64;

/**
 * `url` parsed, from a small cache. Throws a `TypeError` when it is no URL.
 * NOTE: parsing the same three URLs on every login (and once more for each message) showed in the CPU profile;
 * the cache is emptied when full, so that `next` links of Bitbucket's pages cannot make it grow.
 */
export function parseURL(url: string): ParsedURL {
  let parsed = parsedURLs.get(url);
  if (parsed === undefined) {
    const u = new URL(url);
    parsed = Object.freeze({ url: u, endpoint: `${u.origin}${u.pathname}`, options: Object.freeze(requestTarget(u)) });
    if (parsedURLs.size >= MAX_PARSED_URLS) parsedURLs.clear();
    parsedURLs.set(url, parsed);
  }
  return parsed;
}

/** The endpoint without its query string, for messages. */
export function describeEndpoint(method: string, url: string): string {
  return `${method} ${parseURL(url).endpoint}`;
}

/** What both transports do with a request: its parsed URL, its headers, and how it ends. */
export interface Call {
  url: URL;
  /** `http.request`'s options for the URL. */
  options: Readonly<RequestTarget>;
  /** `METHOD origin/path`, for messages. */
  target: string;
  headers: Record<string, string>;
  /** Settles the call once; an error also aborts whatever is still under way. */
  finish: (err: TransportError | null, response?: HttpResponse) => void;
}
