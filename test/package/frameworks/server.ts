/** Starts an installed cell's app as its own process on 127.0.0.1 and a free port, against the given mock. */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { DEFAULT_CLIENT, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import { appEnv } from '../apps';
import type { Cell } from './cells';

export interface RunningApp {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What the app printed so far (its errors, when a test fails). */
  output(): string;
  close(): Promise<void>;
}

/** A port nothing listens on right now (the app needs it before it starts, for its callback URLs). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startApp(cell: Cell, dir: string, mock: MockBitbucket): Promise<RunningApp> {
  const port = await freePort();
  const bitbucket = {
    clientID: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    oauth2Endpoints: mock.oauth2Endpoints(),
    oauth1Endpoints: mock.oauth1Endpoints(),
  };
  const child = spawn(process.execPath, [path.join(dir, cell.main)], {
    cwd: dir,
    env: { ...appEnv(), ...cell.env, PORT: String(port), BITBUCKET: JSON.stringify(bitbucket) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cell.name} did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cell.name} exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    close: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}
