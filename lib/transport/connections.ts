import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseURL } from './call';
import { hostPort, IDLE_SOCKET_MS, Parking, whenConnected } from './parking';

export { IDLE_SOCKET_MS } from './parking';

/** Most connections open at once to one origin; all may stay idle, so that a burst's connections are reused. */
export const MAX_SOCKETS_PER_ORIGIN = 64;

/** One keep-alive agent per origin, shared by every strategy of the process that brings no agent of its own. */
const sharedAgents = new Map<string, http.Agent>();

/** The shared agent of `url`'s origin, made on first use. */
function sharedAgent(url: URL): http.Agent {
  let agent = sharedAgents.get(url.origin);
  if (!agent) {
    const options: https.AgentOptions = {
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
      maxSockets: MAX_SOCKETS_PER_ORIGIN,
      maxFreeSockets: MAX_SOCKETS_PER_ORIGIN,
      // The most recently used socket first: the others age out instead of all staying half-used.
      scheduling: 'lifo',
    };
    agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    sharedAgents.set(url.origin, agent);
  }
  return agent;
}

/**
 * The agent of a call to `url`: the caller's own, else this process's keep-alive agent for the origin; once a
 * warm-up went through it, a view of it whose `createConnection` hands over the pre-opened connections first.
 * NOTE: the view shares the agent's pools (its idle sockets are the agent's), but the agent object is never
 * changed: patching a caller's `createConnection` would change every request of the process through it
 * (`https.globalAgent`, say), and a warm-up is this package's business only.
 */
export function agentFor(url: URL, own?: http.Agent): http.Agent {
  const agent = own ?? sharedAgent(url);
  return views.get(agent)?.view ?? agent;
}

const views = new WeakMap<http.Agent, { view: http.Agent; parking: Parking }>();

/** The view of a caller's agent, and its parking, made on the first warm-up through it. */
function viewOf(agent: http.Agent): { view: http.Agent; parking: Parking } {
  const known = views.get(agent);
  if (known) return known;
  const tlsOptions = agent instanceof https.Agent ? agent.options : {};
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
      value: function (
        this: http.Agent,
        options: http.ClientRequestArgs,
        callback: (err: Error | null, s: Duplex) => void,
      ) {
        const key = hostPort(options.host ?? 'localhost', options.port ?? '', secureOf(agent));
        return parking.take(key) ?? agent.createConnection.call(this, options, callback);
      },
    },
    // NOTE: Node's agent counts its sockets with `this.totalSocketCount++` (and `--` when one closes): on the view
    // that made a count of its own, and the agent's `maxTotalSockets` held for the view and the agent apart.
    totalSocketCount: {
      get: (): unknown => Reflect.get(agent, 'totalSocketCount'),
      set: (count: unknown): void => {
        Reflect.set(agent, 'totalSocketCount', count);
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
  const prefix = `${key}:`;
  let count = 0;
  for (const pool of [agent.freeSockets, agent.sockets]) {
    // NOTE: `for…in`, not `Object.entries`: this runs at every first leg, and the pools are plain objects.
    for (const name in pool) {
      if (name.startsWith(prefix)) count += pool[name]?.length ?? 0;
    }
  }
  return count;
}

/**
 * How many more connections to one origin the agent would open itself: within its `maxSockets` (per origin) and
 * its `maxTotalSockets` (Node's defaults: no limit), less the `held` ones (the agent's and parked) and, for the
 * total, every connection the agent counts and every one parked for it.
 * NOTE: a connection opened ahead past those limits would never be taken (the agent queues the call for one it
 * holds instead); it would only sit idle until it timed out.
 */
function room(agent: http.Agent, held: number, parking: Parking): number {
  const total = numberOf(agent, 'maxTotalSockets', Infinity) - numberOf(agent, 'totalSocketCount', 0) - parking.total();
  return Math.min(numberOf(agent, 'maxSockets', Infinity) - held, total);
}

/** An agent's count or limit, `absent` when it has none: an agent of another library may leave them out. */
function numberOf(agent: http.Agent, name: string, absent: number): number {
  const value: unknown = Reflect.get(agent, name);
  return typeof value === 'number' && !Number.isNaN(value) ? value : absent;
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
export function preconnect(
  targets: readonly WarmUpTarget[],
  own: http.Agent | undefined,
  timeoutMs: number,
  proxyFromEnv = false,
): void {
  if (!own && proxyFromEnv) return;
  for (const target of targets) {
    try {
      // Parsed once per URL (`parseURL`'s cache), not at every first leg.
      const { url } = parseURL(target.url);
      const key = hostPort(url.hostname, url.port, url.protocol);
      const agent = own ?? sharedAgent(url);
      const { parking } = viewOf(agent);
      const held = agentSockets(agent, key) + parking.count(key);
      parking.warm(url, key, Math.min(target.sockets - held, room(agent, held, parking)), timeoutMs);
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
