import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TimerRegistry } from './timers';

/** Checks `connectDelayMs`: a finite number of milliseconds, 0 (the default) for none. */
export function connectDelayFrom(value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`createMockBitbucket: connectDelayMs must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * The mock's TCP connections: how many were accepted, and how old each is.
 * NOTE: on a real network a new connection costs TCP + TLS set-up (one to three round trips) before the
 * first request gets through; over 127.0.0.1 it costs nothing. With `delayMs`, a request on a connection
 * younger than that waits until the connection is `delayMs` old, so that a connection opened ahead of
 * time (pre-connected) pays nothing and one opened for the request pays the full set-up.
 */
export class ConnectionLog {
  /** Connections accepted since the mock started. */
  count = 0;
  private readonly openedAt = new WeakMap<Socket, number>();

  constructor(
    private readonly delayMs: number,
    private readonly timers: TimerRegistry,
  ) {}

  /** Records a new connection. */
  opened(socket: Socket): void {
    this.count++;
    this.openedAt.set(socket, performance.now());
  }

  /** Runs `handle` now, or once the request's connection is `delayMs` old. */
  whenOldEnough(req: IncomingMessage, handle: () => void): void {
    const openedAt = this.openedAt.get(req.socket);
    const wait = openedAt === undefined ? 0 : this.delayMs - (performance.now() - openedAt);
    if (wait <= 0) {
      handle();
      return;
    }
    this.timers.timeout(handle, wait);
  }
}
