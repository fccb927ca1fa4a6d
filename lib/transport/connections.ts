import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';

/**
 * How long an idle keep-alive connection to Bitbucket is kept, in milliseconds.
 * NOTE: Node's default agent drops idle sockets after 5 s, so a login paid the TCP + TLS set-up again after
 * every user's visit to the consent page; this outlives a visit (Bitbucket or a proxy may still close earlier).
 */
export const IDLE_SOCKET_MS = 65_000;
/** Most sockets open at once to one origin; all may stay idle, so that a burst's sockets are reused. */
export const MAX_SOCKETS_PER_ORIGIN = 64;

/** One keep-alive agent per origin, shared by every strategy of the process that brings no agent of its own. */
const sharedAgents = new Map<string, http.Agent>();

/** The agent for calls to `url`: the caller's own, else this process's keep-alive agent for the origin. */
export function agentFor(url: URL, own?: http.Agent): http.Agent {
  if (own) return own;
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

/** `host:port` as an agent names its connections (`getName` starts with it), brackets off IPv6 literals. */
function hostPort(host: string, port: number | string): string {
  return `${host.replace(/^\[(.*)\]$/, '$1')}:${port}`;
}

/** A pre-opened connection, and how to hand it over without the pool's listeners. */
interface Parked {
  socket: Socket;
  release: () => void;
}

/** Connections opened ahead of a callback for one agent, by `host:port`, and the warm-ups under way. */
interface WarmPool {
  ready: Map<string, Parked[]>;
  inFlight: Set<string>;
  /** The agent's own way to open a connection (TLS options and session cache included). */
  open: (options: https.RequestOptions) => ReturnType<http.Agent['createConnection']>;
}

const pools = new WeakMap<http.Agent, WarmPool>();

/** Takes a live pre-opened connection out of the pool, released from the pool's own listeners. */
function take(pool: WarmPool, key: string): Socket | undefined {
  const parked = pool.ready.get(key);
  let entry = parked?.shift();
  while (entry && (entry.socket.destroyed || !entry.socket.writable)) entry = parked?.shift();
  if (parked?.length === 0) pool.ready.delete(key);
  if (!entry) return undefined;
  entry.release();
  return entry.socket;
}

/**
 * The pool of pre-opened connections of an agent.
 * NOTE: an `http.Agent` opens a connection through `createConnection()` only when it has no idle socket for
 * the origin; answering that call with a pre-opened socket puts it in the agent's pool exactly like one the
 * agent opened itself (counted against `maxSockets`, kept alive, reused). Sockets handed to the `free` event
 * instead would be destroyed: the agent keeps only those that carried a keep-alive request.
 */
function poolOf(agent: http.Agent): WarmPool {
  const known = pools.get(agent);
  if (known) return known;
  const original = agent.createConnection.bind(agent);
  const pool: WarmPool = { ready: new Map(), inFlight: new Set(), open: (options) => original(options) };
  agent.createConnection = (options, callback) =>
    take(pool, hostPort(options.host ?? 'localhost', options.port ?? '')) ?? original(options, callback);
  pools.set(agent, pool);
  return pool;
}

/**
 * Sockets the agent holds for `host:port`, idle or busy, all local addresses and TLS settings together.
 * NOTE: a busy socket counts: it is free again long before a user comes back from the consent page, so under
 * load (every socket busy at the instant of a first leg) no extra connection is opened for each login.
 */
function openSockets(agent: http.Agent, key: string): number {
  let count = 0;
  for (const pool of [agent.freeSockets, agent.sockets]) {
    for (const [name, sockets] of Object.entries(pool)) {
      if (name.startsWith(`${key}:`)) count += sockets?.length ?? 0;
    }
  }
  return count;
}

/** Opens one connection (TCP, plus TLS for https) and parks it for the agent; any failure is silent. */
function openOne(pool: WarmPool, agent: http.Agent, url: URL, key: string, timeoutMs: number, done: () => void): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const tlsOptions = secure && agent instanceof https.Agent ? agent.options : undefined;
  let socket: Socket;
  try {
    socket = pool.open({
      ...tlsOptions,
      host,
      port,
      ...(secure && isIP(host) === 0 ? { servername: host } : {}),
    }) as Socket;
  } catch {
    done();
    return;
  }
  socket.unref();
  let settled = false;
  const parked: Parked = { socket, release: () => undefined };
  const fail = (): void => {
    parked.release();
    const sockets = pool.ready.get(key);
    const at = sockets?.indexOf(parked) ?? -1;
    if (sockets && at >= 0) sockets.splice(at, 1);
    socket.destroy();
    if (!settled) done();
    settled = true;
  };
  const connected = (): void => {
    socket.setTimeout(IDLE_SOCKET_MS);
    pool.ready.set(key, [...(pool.ready.get(key) ?? []), parked]);
    settled = true;
    done();
  };
  const event = secure ? 'secureConnect' : 'connect';
  parked.release = () => {
    socket.off('error', fail).off('close', fail).off('timeout', fail).off(event, connected);
    socket.setTimeout(0);
    socket.ref();
  };
  socket.on('error', fail).on('close', fail).once(event, connected);
  // Until connected: the call's time limit. Once parked: as long as an idle keep-alive socket.
  socket.setTimeout(timeoutMs);
  socket.on('timeout', fail);
}

/** A connection the callback will need: where, and how many at once. */
export interface WarmUpTarget {
  url: string;
  sockets: number;
}

/**
 * Opens, in the background, the connections a callback will need and the agent lacks: TCP + TLS only, no
 * HTTP request (Bitbucket limits anonymous requests to 60 an hour per IP). At most one warm-up per origin
 * is in flight; a failure costs nothing and is not reported: the callback then opens its own connection.
 */
export function preconnect(targets: readonly WarmUpTarget[], own: http.Agent | undefined, timeoutMs: number): void {
  for (const target of targets) {
    try {
      const url = new URL(target.url);
      const agent = agentFor(url, own);
      const pool = poolOf(agent);
      const key = hostPort(url.hostname, url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port);
      if (pool.inFlight.has(key)) continue;
      const missing = target.sockets - openSockets(agent, key) - (pool.ready.get(key)?.length ?? 0);
      if (missing <= 0) continue;
      pool.inFlight.add(key);
      let pending = missing;
      const done = (): void => {
        if (--pending === 0) pool.inFlight.delete(key);
      };
      for (let i = 0; i < missing; i++) openOne(pool, agent, url, key, timeoutMs, done);
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
