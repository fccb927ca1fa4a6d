import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFoundHandler } from './api/routes';
import { authenticate } from './api/auth';
import { BodyTooLargeError, readBody } from './server/body';
import type { Handler, MockContext, RequestContext, ResourceAuth } from './server/context';
import { aUsername } from './datacenter/routes';
import { runFault, type FaultTable } from './faults/faults';
import { sendText } from './server/http';
import { appendToLog, requestRecord } from './server/request-log';
import { matchRoute, type RouteMatch } from './router';
import type { MockEndpoint, MockRequestRecord } from './types';

/** What the request handler of one mock instance needs. */
export interface Dispatcher {
  ctx: MockContext;
  faults: FaultTable;
  requests: MockRequestRecord[];
}

// The DC OAuth 1.0a endpoints, whose `Authorization: OAuth` header signs a token request, not a user.
const OAUTH1_ENDPOINTS: readonly (MockEndpoint | undefined)[] = ['requestToken', 'oauth1Authorize', 'accessToken'];

function requestUrl(ctx: MockContext, req: IncomingMessage): URL {
  const target = String(req.url); // always set on a server's requests
  // Always resolve against our own origin: a path such as `//evil.example/x` must stay a path.
  return new URL(ctx.url + (target.startsWith('/') ? target : `/${target}`));
}

/** Ends a request that went wrong inside the mock with a 500, or drops the socket if the answer had begun. */
function internalError(res: ServerResponse, err: unknown): void {
  /* istanbul ignore if: no handler is known to throw after it began answering */
  if (res.headersSent) return void res.destroy();
  sendText(res, 500, `Mock Bitbucket internal error: ${String(err)}`);
}

/**
 * Answers one request: read the body, log it, apply faults, set X-AUSERNAME on Data Center paths, route.
 * Every request ends in an answer (or a dropped socket), never in an exception.
 */
export function handleRequest(d: Dispatcher, req: IncomingMessage, res: ServerResponse): void {
  try {
    const url = requestUrl(d.ctx, req);
    const match = matchRoute(String(req.method), url.pathname, d.ctx.settings.dataCenterPath);
    const endpoint = match.kind === 'route' || match.kind === 'method' ? match.route.endpoint : undefined;
    readBody(req).then(
      (body) => {
        try {
          appendToLog(d.requests, requestRecord(req, url, body, endpoint));
          route(d, req, res, url, body, match, endpoint);
        } catch (err) {
          internalError(res, err);
        }
      },
      (err: unknown) => {
        if (!(err instanceof BodyTooLargeError)) return void res.destroy();
        appendToLog(d.requests, requestRecord(req, url, '', endpoint));
        sendText(res, 413, 'Request body too large.', { connection: 'close' });
      },
    );
  } catch (err) /* istanbul ignore next: URL parsing of a target node's parser accepted */ {
    internalError(res, err);
  }
}

function route(
  d: Dispatcher,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
  match: RouteMatch,
  endpoint: MockEndpoint | undefined,
): void {
  const { ctx } = d;
  if (match.kind === 'method') return sendText(res, 405, 'Method Not Allowed', { allow: match.allow });
  if (match.kind === 'outside') ctx.counters.dcPathMisses += 1;
  const handler: Handler = match.kind === 'route' ? match.route.handler : notFoundHandler;
  const param = match.kind === 'route' ? match.param : '';
  const fault = endpoint ? d.faults.take(endpoint) : undefined;
  // NOTE: a proxy that strips Authorization makes Bitbucket see an anonymous request.
  if (fault?.kind === 'anonymous') delete req.headers.authorization;
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
    } catch (err) {
      internalError(res, err); // e.g. a mock user whose uuid no URL can carry
    }
  };
  if (match.dc && !OAUTH1_ENDPOINTS.includes(endpoint)) {
    const name = aUsername(ctx, rc(false).dcAuth());
    if (name !== undefined) res.setHeader('x-ausername', name);
  }
  if (fault && endpoint) return runFault(ctx.timers, req, res, { endpoint, dc: match.dc }, fault, run);
  run(false);
}
