import type { Socket } from 'node:net';

/**
 * How long an idle keep-alive connection to Bitbucket is kept, in milliseconds.
 * NOTE: Node's default agent drops idle sockets after 5 s (undici's after 4 s), so a login paid the TCP + TLS
 * set-up again after every user's visit to the consent page; this outlives a visit (Bitbucket or a proxy may
 * still close earlier).
 */
export const IDLE_SOCKET_MS = 65_000;

/** Opens one connection (TCP, plus TLS for https) to `url`'s origin: the socket once connected, else `null`. */
export type Opener = (url: URL, timeoutMs: number, done: (socket: Socket | null) => void) => void;

/** A pre-opened connection, and how to hand it over without the parking's listeners. */
interface Parked {
  socket: Socket;
  release: () => void;
}

/** `host:port` of a URL, brackets off IPv6 literals, the scheme's port when none is given. */
export function hostPort(hostname: string, port: string | number, protocol: string): string {
  const p = port === '' ? (protocol === 'https:' ? 443 : 80) : port;
  return `${hostname.replace(/^\[(.*)\]$/, '$1')}:${p}`;
}

/**
 * Connections opened ahead of a callback for one pool (undici's, or a caller's agent), by `host:port`, and the
 * warm-ups under way. A parked socket is unref'd (it keeps no process alive) and dropped when it closes, errs
 * or stays idle as long as a keep-alive socket would.
 */
export class Parking {
  private readonly ready = new Map<string, Parked[]>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly open: Opener) {}

  /** Connections parked for `key`. */
  count(key: string): number {
    return this.ready.get(key)?.length ?? 0;
  }

  /** Connections parked, for every key. */
  total(): number {
    let count = 0;
    for (const parked of this.ready.values()) count += parked.length;
    return count;
  }

  /** Closes every connection parked for `key` (each leaves the parking as it closes). */
  drop(key: string): void {
    for (const { socket } of [...(this.ready.get(key) ?? [])]) socket.destroy();
  }

  /** Takes a live pre-opened connection out, released from the parking's own listeners. */
  take(key: string): Socket | undefined {
    const parked = this.ready.get(key);
    let entry = parked?.shift();
    while (entry && (entry.socket.destroyed || !entry.socket.writable)) entry = parked?.shift();
    if (parked?.length === 0) this.ready.delete(key);
    if (!entry) return undefined;
    entry.release();
    return entry.socket;
  }

  /** Opens `count` connections to `url` for `key` in the background, unless a warm-up for it is under way. */
  warm(url: URL, key: string, count: number, timeoutMs: number): void {
    if (count <= 0 || this.inFlight.has(key)) return;
    this.inFlight.add(key);
    let pending = count;
    const done = (socket: Socket | null): void => {
      if (socket) this.park(key, socket);
      if (--pending === 0) this.inFlight.delete(key);
    };
    for (let i = 0; i < count; i++) {
      try {
        this.open(url, timeoutMs, done);
      } catch {
        // NOTE: a warm-up is an optimisation: an opener that throws costs the callback its own connect, nothing more.
        done(null);
      }
    }
  }

  private park(key: string, socket: Socket): void {
    const parked: Parked = { socket, release: () => undefined };
    const drop = (): void => {
      parked.release();
      const sockets = this.ready.get(key);
      const at = sockets?.indexOf(parked) ?? -1;
      if (sockets && at >= 0) sockets.splice(at, 1);
      if (sockets?.length === 0) this.ready.delete(key);
      socket.destroy();
    };
    parked.release = () => {
      socket.off('error', drop).off('close', drop).off('timeout', drop);
      socket.setTimeout(0);
      socket.ref();
    };
    socket.unref();
    socket.setTimeout(IDLE_SOCKET_MS);
    socket.on('error', drop).on('close', drop).on('timeout', drop);
    this.ready.set(key, [...(this.ready.get(key) ?? []), parked]);
  }
}

/**
 * Waits for a socket being opened to connect (TLS included), within `timeoutMs`; any failure destroys it.
 * NOTE: `ref()` is left to whoever takes the socket: until then it keeps no process alive.
 */
export function whenConnected(
  socket: Socket,
  secure: boolean,
  timeoutMs: number,
  done: (s: Socket | null) => void,
): void {
  socket.unref();
  const event = secure ? 'secureConnect' : 'connect';
  const fail = (): void => {
    settle();
    socket.destroy();
    done(null);
  };
  const connected = (): void => {
    settle();
    done(socket);
  };
  const settle = (): void => {
    socket.off('error', fail).off('close', fail).off('timeout', fail).off(event, connected);
    socket.setTimeout(0);
  };
  socket.on('error', fail).on('close', fail).on('timeout', fail).once(event, connected);
  socket.setTimeout(timeoutMs);
}
