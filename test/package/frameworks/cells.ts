/**
 * The framework matrix: each cell is a fresh app directory with the framework versions its package.json
 * pins, the packed package installed next to them, and the app written the way that framework's docs show.
 * The app reads the mock Bitbucket's endpoints from BITBUCKET and its port from PORT, prints `listening`,
 * and serves /auth/oauth2, /auth/oauth1 (+ /callback each), /me (JSON `{ user }`) and /failed (401).
 */
import fs from 'node:fs';
import path from 'node:path';
import { attempt, installPackage, tsc } from '../apps';

export interface Cell {
  /** Its directory under test/package/frameworks (package.json, and the app itself for some). */
  name: string;
  /** What it is, as the test names say it. */
  title: string;
  /** Files copied into the app, relative to test/package/frameworks: [source, target]. */
  files: [string, string][];
  /** The file `node` runs, after `tsc -p tsconfig.json` when the app is TypeScript. */
  main: string;
  typescript?: true;
  env?: Record<string, string>;
}

const SHARED: [string, string] = ['shared/bitbucket.mjs', 'bitbucket.mjs'];
const EXPRESS: [string, string][] = [['express/app.mjs', 'app.mjs'], SHARED];
const FASTIFY: [string, string][] = [['fastify/app.mjs', 'app.mjs'], SHARED];

export const CELLS: Cell[] = [
  { name: 'express4', title: 'Express 4.22 + express-session 1.19', files: EXPRESS, main: 'app.mjs' },
  { name: 'express5', title: 'Express 5.3 + express-session 1.19', files: EXPRESS, main: 'app.mjs' },
  {
    name: 'nestjs',
    title: 'NestJS 12.6 on Express + @nestjs/passport 12.0 + express-session 1.19',
    files: [
      ['nestjs/tsconfig.json', 'tsconfig.json'],
      ['nestjs/src/strategies.ts', 'src/strategies.ts'],
      ['nestjs/src/auth.ts', 'src/auth.ts'],
      ['nestjs/src/main.ts', 'src/main.ts'],
    ],
    main: 'dist/main.js',
    typescript: true,
  },
  {
    name: 'koa',
    title: 'Koa 3.3 + koa-passport 6.0 + koa-session 7.0',
    files: [['koa/app.mjs', 'app.mjs'], SHARED],
    main: 'app.mjs',
  },
  {
    name: 'fastify-session',
    title: 'Fastify 5.12 + @fastify/passport 4.0 + @fastify/session 11.1',
    files: FASTIFY,
    main: 'app.mjs',
    env: { FASTIFY_SESSION: 'plain' },
  },
  {
    name: 'fastify-secure-session',
    title: 'Fastify 5.12 + @fastify/passport 4.0 + @fastify/secure-session 8.4',
    files: FASTIFY,
    main: 'app.mjs',
    env: { FASTIFY_SESSION: 'secure' },
  },
];

/** Installs one cell under `parent` with the tarball, copies its app in and compiles it when needed. */
export async function installCell(cell: Cell, tarball: string, parent: string): Promise<string> {
  const dir = await installPackage(
    path.join(__dirname, cell.name, 'package.json'),
    tarball,
    path.join(parent, cell.name),
  );
  for (const [source, target] of cell.files) {
    fs.mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    fs.copyFileSync(path.join(__dirname, source), path.join(dir, target));
  }
  if (cell.typescript) {
    const built = await attempt(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    if (!built.ok) throw new Error(`tsc failed in the ${cell.name} app:\n${built.output}`);
  }
  return dir;
}

/**
 * Runs `tasks` with at most `limit` at once (npm installs on a 2-core machine); each result is its own
 * promise, so one failed install fails only its cell.
 */
export function limited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T>[] {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> =>
    new Promise((resolve) => {
      const go = (): void => {
        active += 1;
        resolve();
      };
      if (active < limit) go();
      else waiting.push(go);
    });
  return tasks.map(async (task) => {
    await acquire();
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  });
}
