import * as http from 'node:http';
import * as https from 'node:https';
import { agentFor, forgetIdleConnections, noteCarried } from './connections';
import { decodeBody } from './decode-body';
import { TransportError, type Call, type HttpRequest, type HttpResponse } from './call';

/**
 * Sends a call with Node's `http.request` on the caller's own `agent` (a proxy agent, say) or this process's
 * keep-alive agent for the origin; the deadline is the caller's (`call.finish`). Returns how to abort it.
 */
export function requestViaAgent(request: HttpRequest, call: Call): (err: Error) => void {
  const { url, options, target, headers, finish } = call;
  if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
  const transport = url.protocol === 'https:' ? https : http;
  // NOTE: options, not the URL: Node would convert the URL into these on every call. A fresh object each time,
  // since `http.request` writes into the options it is given; written out, not spread, as the cheapest to copy.
  const req = transport.request({
    protocol: options.protocol,
    hostname: options.hostname,
    port: options.port,
    path: options.path,
    auth: options.auth,
    method: request.method,
    headers,
    agent: agentFor(url, request.agent),
  });
  // Set when this package ends the call (a deadline, a cancellation): the error that follows is not the network's.
  let aborted = false;
  // Once an answer began, the connection was alive: a failure after that says nothing about its idle siblings.
  let answered = false;
  req.on('error', (cause) => {
    if (!aborted && !answered) forgetIdleConnections(url, request.agent);
    finish(new TransportError('network', `${target} failed: ${cause.message}`, { cause }));
  });
  req.on('response', (res) => {
    answered = true;
    noteCarried(request.agent, res.socket);
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
    res.on('end', () => {
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      finish(
        null,
        new NodeResponse(
          res,
          decodeBody(bytes, () => res.headers['content-type']),
        ),
      );
    });
    res.on('error', (cause) => finish(new TransportError('network', `${target} failed: ${cause.message}`, { cause })));
    res.on('close', () => {
      if (!res.complete) finish(new TransportError('network', `${target} closed the connection mid-response`));
    });
  });
  req.end(request.body);
  return (err) => {
    aborted = true;
    if (err instanceof TransportError && err.code === 'timeout' && !answered) forgetIdleConnections(url, request.agent);
    req.destroy();
  };
}

/**
 * A complete answer of Node's client.
 * NOTE: the headers are read on demand (Node builds the object on first access, and a successful call needs
 * none), by a getter of this class: a getter in an object literal is defined anew, the slow way, at every call.
 */
class NodeResponse implements HttpResponse {
  readonly status: number;
  readonly #res: http.IncomingMessage;
  constructor(
    res: http.IncomingMessage,
    readonly body: string,
  ) {
    this.status = res.statusCode ?? 0;
    this.#res = res;
  }

  get headers(): http.IncomingHttpHeaders {
    return this.#res.headers;
  }
}
