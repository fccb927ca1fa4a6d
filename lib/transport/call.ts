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
}

/** One outbound request. */
export interface HttpRequest extends HttpLimits {
  method: 'GET' | 'POST';
  url: string;
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
  readonly #listeners = new Set<() => void>();

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Cancels once: every listener is called, in the order they were added. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    for (const listener of this.#listeners) listener();
    this.#listeners.clear();
  }

  /** Calls `listener` on cancellation; returns how to stop listening. */
  onCancel(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A complete response. Redirects are returned as they are, never followed. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Why a call produced no response. */
export type TransportErrorCode = 'timeout' | 'too_large' | 'network';

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

/** A URL as every call to it needs it, parsed once. */
export interface ParsedURL {
  url: URL;
  /** Origin and path, without the query string: what messages name. */
  endpoint: string;
  /** `http.request`'s options for it, without method, headers and agent. */
  options: http.RequestOptions;
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
    parsed = Object.freeze({ url: u, endpoint: `${u.origin}${u.pathname}`, options: urlToHttpOptions(u) });
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
  options: http.RequestOptions;
  /** `METHOD origin/path`, for messages. */
  target: string;
  headers: Record<string, string>;
  /** Settles the call once; an error also aborts whatever is still under way. */
  finish: (err: TransportError | null, response?: HttpResponse) => void;
}
