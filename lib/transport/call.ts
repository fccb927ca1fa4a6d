import type * as http from 'node:http';

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
  signal?: AbortSignal;
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

/** The endpoint without its query string, for messages. */
export function describeEndpoint(method: string, url: string): string {
  const u = new URL(url);
  return `${method} ${u.origin}${u.pathname}`;
}

/** What both transports do with a request: its parsed URL, its headers, and how it ends. */
export interface Call {
  url: URL;
  /** `METHOD origin/path`, for messages. */
  target: string;
  headers: Record<string, string>;
  /** Settles the call once; an error also aborts whatever is still under way. */
  finish: (err: TransportError | null, response?: HttpResponse) => void;
}
