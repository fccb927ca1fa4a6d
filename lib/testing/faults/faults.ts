import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCloudError, sendDcError, sendJson, sendText } from '../server/http';
import type { TimerRegistry } from '../server/timers';
import type { MockEndpoint, MockFault, MockFaultOptions } from '../types';

/** Every endpoint name a fault can be attached to. */
export const ENDPOINTS: readonly MockEndpoint[] = [
  'authorize',
  'token',
  'user',
  'emails',
  'workspaces',
  'requestToken',
  'oauth1Authorize',
  'accessToken',
  'whoami',
  'dcUser',
];

interface ActiveFault {
  fault: MockFault;
  remaining?: number;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`setFault: ${message}`);
}

const inRange = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;
const isStatus = (n: number): boolean => inRange(n, 200, 599);
const isDuration = (n: number): boolean => Number.isFinite(n) && n >= 0;

/** Throws a RangeError/TypeError when a fault cannot be applied as described. */
export function validateFault(endpoint: MockEndpoint, fault: MockFault, opts: MockFaultOptions): void {
  check(ENDPOINTS.includes(endpoint), `unknown endpoint ${JSON.stringify(endpoint)}`);
  check(
    opts.times === undefined || (Number.isInteger(opts.times) && opts.times > 0),
    'times must be a positive integer',
  );
  switch (fault.kind) {
    case 'status':
      return check(isStatus(fault.status), 'status must be an integer from 200 to 599');
    case 'json':
      JSON.stringify(fault.body); // throws TypeError on cycles and BigInt, here rather than mid-request
      return check(fault.status === undefined || isStatus(fault.status), 'status must be an integer from 200 to 599');
    case 'emptyBody':
      return check(fault.status === undefined || isStatus(fault.status), 'status must be an integer from 200 to 599');
    case 'redirect':
      check(typeof fault.location === 'string' && fault.location !== '', 'location is required');
      return check(fault.status === undefined || inRange(fault.status, 300, 399), 'redirect status must be 3xx');
    case 'delay':
      return check(isDuration(fault.ms), 'ms must be a finite number >= 0');
    case 'drip':
      return check(isDuration(fault.intervalMs) && fault.intervalMs > 0, 'intervalMs must be a finite number > 0');
    case 'huge':
      return check(Number.isSafeInteger(fault.bytes) && fault.bytes >= 0, 'bytes must be an integer >= 0');
    case 'rateLimit':
      return check(
        fault.retryAfterSeconds === undefined || inRange(fault.retryAfterSeconds, 0, Number.MAX_SAFE_INTEGER),
        'retryAfterSeconds must be an integer >= 0',
      );
    case 'anonymous':
    case 'deny':
    case 'hang':
    case 'badJson':
    case 'reset':
      return;
    default:
      throw new TypeError(`setFault: unknown fault kind ${JSON.stringify((fault as { kind: unknown }).kind)}`);
  }
}

/** The faults in force, by endpoint. */
export class FaultTable {
  private readonly faults = new Map<MockEndpoint, ActiveFault>();

  /** Sets (or, with `null`, clears) the fault of an endpoint. */
  set(endpoint: MockEndpoint, fault: MockFault | null, opts: MockFaultOptions = {}): void {
    if (fault === null) {
      check(ENDPOINTS.includes(endpoint), `unknown endpoint ${JSON.stringify(endpoint)}`);
      this.faults.delete(endpoint);
      return;
    }
    validateFault(endpoint, fault, opts);
    this.faults.set(endpoint, { fault, ...(opts.times !== undefined ? { remaining: opts.times } : {}) });
  }

  /** Clears every fault. */
  clear(): void {
    this.faults.clear();
  }

  /** The fault for one request to `endpoint`, counting it against `times`. */
  take(endpoint: MockEndpoint): MockFault | undefined {
    const active = this.faults.get(endpoint);
    if (!active) return undefined;
    if (active.remaining !== undefined && --active.remaining <= 0) this.faults.delete(endpoint);
    return active.fault;
  }
}

function errorPage(status: number): string {
  return `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>Error ${status}</h1><p>Something went wrong (mock fault).</p></body></html>`;
}

/** The 403 a `deny` fault produces on endpoints that are not authorize pages, in each endpoint's own format. */
function sendDenied(res: ServerResponse, endpoint: MockEndpoint): void {
  if (endpoint === 'token') return sendJson(res, 403, { error: 'access_denied', error_description: 'Access denied.' });
  if (endpoint === 'user' || endpoint === 'emails' || endpoint === 'workspaces') {
    return sendCloudError(res, 403, 'Access denied.');
  }
  if (endpoint === 'dcUser')
    return sendDcError(res, 403, 'Access denied.', 'com.atlassian.bitbucket.AuthorisationException');
  sendText(res, 403, 'Access denied.');
}

function streamHuge(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes });
  const [head, tail] = bytes >= 10 ? ['{"pad":"', '"}'] : ['', ''];
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let remaining = bytes - head.length - tail.length;
  res.write(head);
  const pump = (): void => {
    while (remaining > 0 && !res.destroyed) {
      const n = Math.min(remaining, chunk.length);
      remaining -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end(tail);
  };
  pump();
}

/** 429 in the product's error format. */
function sendRateLimited(res: ServerResponse, dc: boolean, retryAfterSeconds = 60): void {
  const headers = { 'retry-after': String(retryAfterSeconds) };
  // NOTE: Cloud's 429 says "Rate limit for this resource has been exceeded"; Data Center's text is undocumented.
  if (!dc) return sendCloudError(res, 429, 'Rate limit for this resource has been exceeded', undefined, headers);
  sendJson(res, 429, { errors: [{ context: null, message: 'Rate limit exceeded.', exceptionName: null }] }, headers);
}

/**
 * Applies a fault to one request. `proceed(denied)` answers normally: after a `delay`, or for a
 * `deny` on an authorize endpoint (the route then redirects with `access_denied`). `anonymous` is
 * applied by the dispatcher (it changes the request, not the answer).
 */
export function runFault(
  timers: TimerRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  where: { endpoint: MockEndpoint; dc: boolean },
  fault: MockFault,
  proceed: (denied: boolean) => void,
): void {
  const { endpoint } = where;
  switch (fault.kind) {
    case 'anonymous':
      return proceed(false);
    case 'rateLimit':
      return sendRateLimited(res, where.dc, fault.retryAfterSeconds);
    case 'deny':
      return endpoint === 'authorize' || endpoint === 'oauth1Authorize' ? proceed(true) : sendDenied(res, endpoint);
    case 'status': {
      const headers = Object.fromEntries(Object.entries(fault.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const body = fault.body ?? errorPage(fault.status);
      const type = body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
      return sendText(res, fault.status, body, { 'content-type': type, ...headers });
    }
    case 'json': {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify(undefined) is undefined
      const text = JSON.stringify(fault.body) ?? 'null';
      res.writeHead(fault.status ?? 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      return void res.end(text);
    }
    case 'badJson':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"type":"user","uuid":"{768f8c62-7f2a-4914-b');
    case 'hang':
      return; // never answer: close() destroys the socket
    case 'delay': {
      const handle = timers.timeout(() => proceed(false), fault.ms);
      return void res.once('close', () => timers.clear(handle));
    }
    case 'drip': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const handle = timers.interval(() => res.write(' '), fault.intervalMs);
      return void res.once('close', () => timers.clear(handle));
    }
    case 'huge':
      return streamHuge(res, fault.bytes);
    case 'redirect':
      res.writeHead(fault.status ?? 302, { location: fault.location, 'content-length': 0 });
      return void res.end();
    case 'reset':
      return void req.socket.destroy();
    case 'emptyBody':
      res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', 'content-length': 0 });
      return void res.end();
  }
}
