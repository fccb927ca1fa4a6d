import type * as http from 'node:http';
import { parseURL } from './call';
import { sharedAgent, viewOf } from './connections';
import { hostPort, type Parking } from './parking';

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
