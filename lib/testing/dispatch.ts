import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFoundHandler } from './api-routes';
import { authenticate, type ResourceAuth } from './auth';
import { BodyTooLargeError, readBody } from './body';
import type { Handler, MockContext, RequestContext } from './context';
import { aUsername, isDcOAuth1Path, isDcPath } from './datacenter-routes';
import { runFault, type FaultTable } from './faults';
import { sendText } from './http';
import { matchRoute } from './router';
import type { MockEndpoint, MockRequestRecord } from './types';

/** What the request handler of one mock instance needs. */
export interface Dispatcher {
  ctx: MockContext;
  faults: FaultTable;
  requests: MockRequestRecord[];
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function headerRecord(raw: readonly string[]): Record<string, string | string[]> {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
  return queryRecord(new URLSearchParams(pairs));
}

function requestUrl(ctx: MockContext, req: IncomingMessage): URL {
  const target = String(req.url); // always set on a server's requests
  // Always resolve against our own origin: a path such as `//evil.example/x` must stay a path.
  return new URL(ctx.url + (target.startsWith('/') ? target : `/${target}`));
}

/** Answers one request: read the body, log it, set X-AUSERNAME on Data Center paths, apply faults, route. */
export function handleRequest(d: Dispatcher, req: IncomingMessage, res: ServerResponse): void {
  const { ctx } = d;
  const url = requestUrl(ctx, req);
  const method = String(req.method);
  const match = matchRoute(method, url.pathname);
  const endpoint: MockEndpoint | undefined = match.kind === 'none' ? undefined : match.route.endpoint;
  const log = (body: string): void => {
    const record: MockRequestRecord = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: headerRecord(req.rawHeaders),
      body,
      ...(endpoint ? { endpoint } : {}),
    };
    d.requests.push(record);
  };
  readBody(req).then(
    (body) => {
      log(body);
      route(d, req, res, url, body, match, endpoint);
    },
    (err: unknown) => {
      if (!(err instanceof BodyTooLargeError)) return void res.destroy();
      log('');
      sendText(res, 413, 'Request body too large.', { connection: 'close' });
    },
  );
}

function route(
  d: Dispatcher,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
  match: ReturnType<typeof matchRoute>,
  endpoint: MockEndpoint | undefined,
): void {
  const { ctx } = d;
  let handler: Handler = notFoundHandler;
  let param = '';
  if (match.kind === 'method') return sendText(res, 405, 'Method Not Allowed', { allow: match.allow });
  if (match.kind === 'route') {
    handler = match.route.handler;
    param = match.param;
  }
  let auth: ResourceAuth | undefined;
  const rc = (denied: boolean): RequestContext => {
    const self: RequestContext = {
      req,
      res,
      url,
      body,
      param,
      denied,
      ...(endpoint ? { endpoint } : {}),
      dcAuth: () => (auth ??= authenticate(ctx, self, 'dc')),
    };
    return self;
  };
  const run = (denied: boolean): void => {
    try {
      handler(ctx, rc(denied));
    } catch (err) /* istanbul ignore next: handlers do not throw */ {
      if (!res.headersSent) sendText(res, 500, `Mock Bitbucket internal error: ${String(err)}`);
      else res.destroy();
    }
  };
  if (isDcPath(url.pathname) && !isDcOAuth1Path(url.pathname)) {
    const name = aUsername(ctx, rc(false).dcAuth());
    if (name !== undefined) res.setHeader('x-ausername', name);
  }
  const fault = endpoint ? d.faults.take(endpoint) : undefined;
  if (fault && endpoint) return runFault(ctx.timers, req, res, endpoint, fault, run);
  run(false);
}
