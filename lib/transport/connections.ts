import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { hostPort, IDLE_SOCKET_MS, Parking, whenConnected } from './parking';

export { IDLE_SOCKET_MS } from './parking';

/** Most connections open at once to one origin; all may stay idle, so that a burst's connections are reused. */
export const MAX_SOCKETS_PER_ORIGIN = 64;

/** One keep-alive agent per origin, shared by every strategy of the process that brings no agent of its own. */
const sharedAgents = new Map<string, http.Agent>();

/** The shared agent of `url`'s origin, made on first use. */
export function sharedAgent(url: URL): http.Agent {
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
export function viewOf(agent: http.Agent): { view: http.Agent; parking: Parking } {
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

/**
 * Closes the idle and the parked connections of `url`'s origin in the agent of its calls (the caller's own, or
 * this process's), after a call to it got no answer (a timeout, a reset).
 * NOTE: connections that died silently (a NAT or load balancer that lost its state, a failover: no FIN, no RST) look
 * alive in the pool; kept, each would cost one more sign-in the full timeout, one after the other. Once one call has
 * failed so, none of its idle siblings is trusted: the next calls open new connections.
 */
export function forgetIdleConnections(url: URL, own?: http.Agent): void {
  try {
    const agent = own ?? sharedAgents.get(url.origin);
    if (!agent) return;
    const key = hostPort(url.hostname, url.port, url.protocol);
    const prefix = `${key}:`;
    const free = agent.freeSockets;
    for (const name in free) {
      if (!name.startsWith(prefix)) continue;
      // In a caller's agent, only the connections that carried this package's calls: the app's own stay its own.
      for (const socket of [...(free[name] ?? [])]) if (!own || carriedOurs.has(socket)) socket.destroy();
    }
    views.get(agent)?.parking.drop(key);
  } catch {
    // NOTE: runs from a timer and an `error` listener, on an agent that may be another library's: never a crash.
  }
}

/** Connections of callers' agents that carried this package's calls (our own agents carry nothing else). */
const carriedOurs = new WeakSet();

/** Notes that a connection of the caller's agent `own` carried one of this package's calls. */
export function noteCarried(own: http.Agent | undefined, socket: object | null): void {
  if (own && socket) carriedOurs.add(socket);
}

function secureOf(agent: http.Agent): string {
  return agent instanceof https.Agent ? 'https:' : 'http:';
}
