/**
 * A new user's app, as they would set it up: a fresh directory with an Express 4 or Express 5
 * package.json (test/package/apps/express4|5), then `npm install` of the PACKED tarball from the npm
 * registry, so npm resolves our dependency and peer ranges against the app's own `@types/express`.
 *
 * NOTE: this is the one test that uses the npm registry (through npm's cache: `--prefer-offline`), because
 * what it proves is npm's resolution of our package.json; everything else in the suite is offline.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = path.resolve(__dirname, '../..');
export const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });

/** The Express majors the README promises. */
export const EXPRESS_MAJORS = ['express4', 'express5'] as const;
export type ExpressMajor = (typeof EXPRESS_MAJORS)[number];

/** Builds dist/ if needed and packs it into `dir`; returns the tarball's path. */
export function packTarball(dir: string): string {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-dist.js')], { cwd: root, stdio: 'inherit' });
  const stdout = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) throw new Error('npm pack --json printed no package');
  return path.join(dir, packed.filename);
}

/** Output of a command that may fail: its exit status and everything it printed. */
export interface Outcome {
  ok: boolean;
  output: string;
}

/** Runs a command in `cwd`; never rejects. */
export async function attempt(file: string, args: string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: appEnv() });
    return { ok: true, output: `${stdout}${stderr}`.trim() };
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout ?? ''}${stderr ?? ''}`.trim() || String(err) };
  }
}

/**
 * The app's environment: none of jest's settings or this repository's module paths leak in (Playwright Test, for
 * one, refuses to run when it sees `JEST_WORKER_ID`).
 */
export function appEnv(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _jestOptions, JEST_WORKER_ID: _jestWorker, ...env } = process.env;
  return { ...env, NODE_PATH: '', NODE_ENV: 'test' };
}

/** Creates the app directory and installs it with the tarball; rejects with npm's output on failure. */
export async function installApp(major: ExpressMajor, tarball: string, parent: string): Promise<string> {
  return installPackage(path.join(__dirname, 'apps', major, 'package.json'), tarball, path.join(parent, major));
}

/**
 * Creates `dir` with a copy of the `packageJson` file and installs its pinned dependencies and the tarball
 * from the npm registry (through npm's cache first); rejects with npm's output on failure.
 */
export async function installPackage(packageJson: string, tarball: string, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(packageJson, path.join(dir, 'package.json'));
  const npm = await attempt(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball],
    dir,
  );
  if (!npm.ok) throw new Error(`npm install failed in ${dir}:\n${npm.output}`);
  return dir;
}

/** Every installed copy of a package under the app's node_modules (nested ones included), as `path@version`. */
export function installedCopies(dir: string, name: string): string[] {
  const found: string[] = [];
  const visit = (modules: string): void => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      const scoped = entry.startsWith('@')
        ? fs.readdirSync(path.join(modules, entry)).map((e) => `${entry}/${e}`)
        : [entry];
      for (const pkg of scoped) {
        const pkgDir = path.join(modules, pkg);
        if (pkg === name) {
          const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
            version: string;
          };
          found.push(`${path.relative(dir, pkgDir)}@${version}`);
        }
        visit(path.join(pkgDir, 'node_modules'));
      }
    }
  };
  visit(path.join(dir, 'node_modules'));
  return found.sort();
}

/** A temporary parent directory for the apps. */
export function tempParent(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'passport-bitbucket-oauth-apps-'));
}
