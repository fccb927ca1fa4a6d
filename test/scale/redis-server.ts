/**
 * A real `redis-server` (Debian's package; `make test-scale` installs it) as a child process on
 * 127.0.0.1 and a random free port, with no persistence: a restart loses every session, as a
 * crashed cache node would. Killed in `stop()`, and also when the test process exits or is
 * interrupted, so a failing test never leaves one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';
const START_TIMEOUT_MS = 10_000;

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Every child still running, for the exit and signal handlers. */
const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/** One redis-server; `restart()` kills it and starts a new, empty one on the same port. */
export class RedisServer {
  private child: ChildProcess | null = null;
  /** As the server reported it at start-up, e.g. `7.0.15`. */
  version = 'unknown';

  private constructor(readonly port: number) {}

  /** Starts a server on a free port and waits until it accepts connections. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.spawn();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async spawn(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn(BINARY, [...args, '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms: ${log}`));
      }, START_TIMEOUT_MS);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      };
      child.once('error', (err) => {
        fail(new Error(`cannot run ${BINARY} (run \`make test-scale\`, which installs it): ${err.message}`));
      });
      const onExit = (code: number | null): void => {
        fail(new Error(`redis-server exited (${String(code)}): ${log}`));
      };
      child.once('exit', onExit);
      const onData = (chunk: Buffer): void => {
        log += chunk.toString('utf8');
        const version = /Redis version=([^\s,]+)/.exec(log)?.[1];
        if (version) this.version = version;
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    // Keep draining its output so a full pipe can never block it.
    child.stdout.resume();
    child.stderr.resume();
  }

  /** Kills the server (SIGKILL by default: a crash) and waits until it is gone. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child?.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** Sends a signal: SIGSTOP freezes it (connections stay open, nothing answers), SIGCONT wakes it. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }

  /** Kills it, waits `downMs` with no Redis at all, then starts an empty one on the same port. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.spawn();
  }
}
