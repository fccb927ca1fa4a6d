import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { TransportError, type Call, type HttpRequest } from './call';
import { decodeBody } from './decode-body';

/**
 * Sends a call through an undici dispatcher (the environment's proxy), with undici's handler interface (no
 * stream, no promise per call: the cheapest way undici offers). undici follows no redirect and times out
 * the headers and each body chunk; the caller's deadline (`call.finish`) covers the whole call.
 * Returns how to abort it.
 */
export function requestViaUndici(dispatcher: Dispatcher, request: HttpRequest, call: Call): (err: Error) => void {
  const { url, target, finish } = call;
  const max = request.maxBytes;
  let controller: Dispatcher.DispatchController | undefined;
  // NOTE: undici hands the controller over only once the request reaches a connection; an abort that
  // comes earlier (the deadline while connecting or queued) waits for it here.
  let abortedWith: Error | undefined;
  let status = 0;
  let headers: IncomingHttpHeaders = {};
  const chunks: Buffer[] = [];
  let size = 0;
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      controller = c;
      if (abortedWith) c.abort(abortedWith);
    },
    onResponseStart(_c, statusCode, responseHeaders) {
      status = statusCode;
      headers = responseHeaders;
    },
    onResponseData(c, chunk) {
      size += chunk.length;
      if (size > max) {
        finish(new TransportError('too_large', `${target} answered with more than ${max} bytes`));
        c.abort(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    },
    onResponseEnd() {
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      const type: unknown = headers['content-type'];
      const body = decodeBody(bytes, () => (typeof type === 'string' ? type : undefined));
      // NOTE: undici frees the connection in a `setImmediate` queued after this returns ("a full event loop
      // cycle" before reuse); settling in an immediate queued after that one lets the callback's next call reuse
      // it, where settling at once would open one more connection for each phase of the callback.
      const response = { status, headers, body };
      queueMicrotask(() => setImmediate(finish, null, response));
    },
    onResponseError(_c, cause) {
      finish(network(target, cause));
    },
  };
  dispatcher.dispatch(
    {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: call.headers,
      body: request.body ?? null,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    },
    handler,
  );
  return (err) => {
    abortedWith = err;
    if (controller && !controller.aborted) controller.abort(err);
  };
}

/** undici's own errors as this package's, with the same words as Node's for the same event. */
function network(target: string, cause: Error): TransportError {
  const code = (cause as { code?: unknown }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransportError('timeout', `${target} did not answer in time (${cause.message})`, { cause });
  }
  if (code === 'UND_ERR_SOCKET' && /closed|other side/i.test(cause.message)) {
    return new TransportError('network', `${target} closed the connection mid-response`, { cause });
  }
  return new TransportError('network', `${target} failed: ${cause.message}`, { cause });
}
