import * as http from 'node:http';
import * as https from 'node:https';
import { agentFor } from './connections';

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
  /** The caller's own agent (a proxy agent, say); default: this process's keep-alive agent for the origin. */
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

/**
 * Sends one request with a hard deadline and a body cap.
 *
 * NOTE: the `oauth` library that passport-oauth1/-oauth2 use has no timeout at all, so a Bitbucket
 * that accepts the connection and never answers would hang the login forever. Every call to
 * Bitbucket, token exchange included, goes through here instead.
 */
export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const url = new URL(request.url);
    // For messages, from the URL parsed once (a second parse per call showed in the CPU profile).
    const target = `${request.method} ${url.origin}${url.pathname}`;
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'passport-bitbucket-oauth', ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));

    let settled = false;
    const finish = (err: TransportError | null, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else {
        resolve(response as HttpResponse);
      }
    };
    const onAbort = (): void => finish(new TransportError('network', `${target} was cancelled`));

    const req = transport.request(url, { method: request.method, headers, agent: agentFor(url, request.agent) });
    const deadline = setTimeout(
      () => finish(new TransportError('timeout', `${target} did not answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    request.signal?.addEventListener('abort', onAbort);

    req.on('error', (cause) => finish(new TransportError('network', `${target} failed: ${cause.message}`, { cause })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) {
          finish(new TransportError('too_large', `${target} answered with more than ${request.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        finish(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (cause) =>
        finish(new TransportError('network', `${target} failed: ${cause.message}`, { cause })),
      );
      res.on('close', () => {
        if (!res.complete) finish(new TransportError('network', `${target} closed the connection mid-response`));
      });
    });
    if (request.signal?.aborted) onAbort();
    req.end(request.body);
  });
}
