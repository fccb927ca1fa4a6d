import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { buildConnector, Pool, type Dispatcher } from 'undici';
import { DEFAULT_TIMEOUT_MS } from './call';
import { envProxyDispatcher } from './env-proxy';
import { hostPort, IDLE_SOCKET_MS, Parking, whenConnected, type Opener } from './parking';

export { IDLE_SOCKET_MS } from './parking';

/** Most connections open at once to one origin; all may stay idle, so that a burst's connections are reused. */
export const MAX_SOCKETS_PER_ORIGIN = 64;

/** A pool of keep-alive connections to one origin, and the connections opened for it ahead of a callback. */
interface OriginPool {
  pool: Pool;
  parking: Parking;
}

/** One undici pool per origin, shared by every strategy of the process that brings no agent of its own. */
const sharedPools = new Map<string, OriginPool>();

/** The shared pool of an origin, made on first use. */
function originPool(url: URL): OriginPool {
  let known = sharedPools.get(url.origin);
  if (known) return known;
  const connect = buildConnector({ timeout: DEFAULT_TIMEOUT_MS });
  // NOTE: the connector's own time limit (the default call timeout) bounds a warm-up here.
  const open: Opener = (target, _timeoutMs, done) =>
    connect(
      { hostname: target.hostname, host: target.host, protocol: target.protocol, port: target.port, servername: '' },
      (err, socket) => done(err ? null : (socket as Socket)),
    );
  const parking = new Parking(open);
  const pool = new Pool(url.origin, {
    connections: MAX_SOCKETS_PER_ORIGIN,
    keepAliveTimeout: IDLE_SOCKET_MS,
    keepAliveMaxTimeout: IDLE_SOCKET_MS,
    // NOTE: undici opens a connection through this hook only when the pool has none free; answering with a
    // pre-opened one puts it in the pool exactly like one undici opened itself (kept alive, reused).
    connect: (options, callback) => {
      const parked = parking.take(hostPort(options.hostname, options.port, options.protocol));
      // NOTE: undici expects the connector to answer later, as a real connect does; an answer from within the
      // call leaves the client waiting with the socket and never sends the request.
      if (parked) process.nextTick(callback, null, parked);
      else connect(options, callback);
    },
  });
  known = { pool, parking };
  sharedPools.set(url.origin, known);
  return known;
}

/** Where a call without an agent of the caller's goes: the environment's proxy when asked for, else the origin's pool. */
export function dispatcherFor(url: URL): Dispatcher {
  return envProxyDispatcher() ?? originPool(url).pool;
}

/**
 * A caller's agent, as this package's calls use it: the agent itself, or, once a warm-up went through it, a view
 * of it whose `createConnection` hands over the pre-opened connections first.
 * NOTE: the view shares the agent's pools (its idle sockets are the agent's), but the agent object is never
 * changed: patching its `createConnection` would change every request of the process through it
 * (`https.globalAgent`, say), and a warm-up is this package's business only.
 */
const views = new WeakMap<http.Agent, { view: http.Agent; parking: Parking }>();

export function agentFor(own: http.Agent): http.Agent {
  return views.get(own)?.view ?? own;
}

/** The view of a caller's agent, and its parking, made on the first warm-up through it. */
function viewOf(agent: http.Agent): { view: http.Agent; parking: Parking } {
  const known = views.get(agent);
  if (known) return known;
  const tlsOptions = agent instanceof https.Agent ? (agent.options as https.AgentOptions) : {};
  const parking = new Parking((url, timeoutMs, done) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = url.protocol === 'https:';
    const port = Number(hostPort(host, url.port, url.protocol).split(':').pop());
    const socket = agent.createConnection({
      ...(secure ? tlsOptions : {}),
      host,
      port,
      ...(secure && isIP(host) === 0 ? { servername: host } : {}),
    }) as Socket | undefined;
    if (!socket) return done(null);
    whenConnected(socket, secure, timeoutMs, done);
  });
  const view = Object.create(agent, {
    createConnection: {
      // NOTE: the agent's own method, called on the view: agents that keep state for it (agent-base's proxy
      // agents set `currentSocket` in `createSocket`) find that state on the view, where it was set.
      value: function (this: http.Agent, options: http.ClientRequestArgs, callback: (err: Error | null, s: Duplex) => void) {
        const key = hostPort(String(options.host ?? 'localhost'), options.port ?? '', secureOf(agent));
        return parking.take(key) ?? agent.createConnection.call(this, options, callback);
      },
    },
  }) as http.Agent;
  const made = { view, parking };
  views.set(agent, made);
  return made;
}

function secureOf(agent: http.Agent): string {
  return agent instanceof https.Agent ? 'https:' : 'http:';
}

/**
 * Sockets an agent holds for `host:port`, idle or busy, all local addresses and TLS settings together.
 * NOTE: a busy socket counts: it is free again long before a user comes back from the consent page, so under
 * load (every socket busy at the instant of a first leg) no extra connection is opened for each login.
 */
function agentSockets(agent: http.Agent, key: string): number {
  let count = 0;
  for (const pool of [agent.freeSockets, agent.sockets]) {
    for (const [name, sockets] of Object.entries(pool)) {
      if (name.startsWith(`${key}:`)) count += sockets?.length ?? 0;
    }
  }
  return count;
}

/** A connection the callback will need: where, and how many at once. */
export interface WarmUpTarget {
  url: string;
  sockets: number;
}

/**
 * Opens, in the background, the connections a callback will need and the pool lacks: TCP + TLS only, no
 * HTTP request (Bitbucket limits anonymous requests to 60 an hour per IP). At most one warm-up per origin
 * is in flight; a failure costs nothing and is not reported: the callback then opens its own connection.
 * Nothing is opened ahead through the environment's proxy (the tunnel is made per connection by the proxy).
 */
export function preconnect(targets: readonly WarmUpTarget[], own: http.Agent | undefined, timeoutMs: number): void {
  if (!own && envProxyDispatcher()) return;
  for (const target of targets) {
    try {
      const url = new URL(target.url);
      const key = hostPort(url.hostname, url.port, url.protocol);
      if (own) {
        const { parking } = viewOf(own);
        parking.warm(url, key, target.sockets - agentSockets(own, key) - parking.count(key), timeoutMs);
      } else {
        const { pool, parking } = originPool(url);
        parking.warm(url, key, target.sockets - pool.stats.connected - parking.count(key), timeoutMs);
      }
    } catch {
      // NOTE: a warm-up is an optimisation: nothing about it may fail a sign-in.
    }
  }
}

/**
 * The connections each origin needs during a callback whose calls run in `phases` (the calls of one phase run
 * in parallel, the phases one after the other): per origin, its widest phase.
 */
export function warmUpTargets(phases: readonly (readonly string[])[]): WarmUpTarget[] {
  const widest = new Map<string, WarmUpTarget>();
  for (const phase of phases) {
    const counts = new Map<string, number>();
    for (const url of phase) {
      const origin = new URL(url).origin;
      counts.set(origin, (counts.get(origin) ?? 0) + 1);
    }
    for (const [origin, sockets] of counts) {
      if ((widest.get(origin)?.sockets ?? 0) < sockets) widest.set(origin, { url: origin, sockets });
    }
  }
  return [...widest.values()];
}
