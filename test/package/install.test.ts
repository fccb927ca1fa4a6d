/**
 * The package as users get it: `npm pack`, installed into a throwaway project, then loaded with
 * `require` and `import` and type-checked by a TypeScript consumer under three module resolutions.
 *
 * NOTE: no network. Instead of `npm install <tarball>`, the tarball is extracted into the project's
 * node_modules and its `dependencies` (plus what a consumer brings itself: passport and @types/node)
 * are symlinked from this repository's node_modules, at the versions package-lock.json pins.
 * Only those are visible, so a dependency missing from package.json fails here.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
import { MAIN_EXPORTS, TESTING_EXPORTS } from './public-names';

const root = path.resolve(__dirname, '../..');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });

/** Packages a consumer app installs itself, next to this one. */
const CONSUMER_DEPENDENCIES = ['passport', '@types/node'];

/** What the require/import scripts print: each entry point's export names and a few facts. */
interface LoadReport {
  main: string[];
  testing: string[];
  strategyNames: string[];
  apiErrorIsError: boolean;
  tokenErrorIsPassportOAuth2s: boolean;
  mainLoadsTesting?: boolean;
}

const RESOLUTIONS = ['node16', 'bundler', 'node10'] as const;

let project = '';
/** The type checks, started together in beforeAll (each takes seconds) and awaited by the tests. */
const typeChecks = new Map<string, Promise<string>>();

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
}

async function node(file: string): Promise<LoadReport> {
  const { stdout } = await run(process.execPath, [file], { cwd: project, env: { ...process.env, NODE_PATH: '' } });
  return JSON.parse(stdout) as LoadReport;
}

/** Runs tsc in the project; resolves to its diagnostics ('' when clean). */
async function typeCheck(tsconfig: string): Promise<string> {
  try {
    await run(process.execPath, [tsc, '-p', tsconfig], { cwd: project });
    return '';
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}`.trim() || String(err);
  }
}

function installFromTarball(): void {
  const stdout = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) throw new Error('npm pack --json printed no package');
  const target = path.join(project, 'node_modules', 'passport-bitbucket-oauth');
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(project, packed.filename), '-C', target, '--strip-components=1']);

  const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  // Peers (`@types/express`) are what the app brings; npm would also install them through `@types/passport`.
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  for (const name of [...names, ...CONSUMER_DEPENDENCIES]) {
    const link = path.join(project, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', name), link, 'dir');
  }
}

const REQUIRE_SCRIPT = `'use strict';
const main = require('passport-bitbucket-oauth');
const mainLoadsTesting = Object.keys(require.cache).some((file) => file.includes('/dist/testing/'));
const testing = require('passport-bitbucket-oauth/testing');
const verify = () => undefined;
const callbackURL = 'https://app.example.com/auth/bitbucket/callback';
const oauth2 = new main.BitbucketOAuth2Strategy({ clientID: 'key', clientSecret: 'secret', callbackURL }, verify);
const oauth1 = new main.BitbucketStrategy({ consumerKey: 'key', consumerSecret: 'secret', callbackURL }, verify);
console.log(JSON.stringify({
  main: Object.keys(main).filter((name) => name !== '__esModule').sort(),
  testing: Object.keys(testing).filter((name) => name !== '__esModule').sort(),
  strategyNames: [oauth1.name, oauth2.name],
  apiErrorIsError: new main.BitbucketAPIError('boom', { code: 'network' }) instanceof Error,
  tokenErrorIsPassportOAuth2s: main.TokenError === require('passport-oauth2').TokenError,
  mainLoadsTesting,
}));
`;

// NOTE: Node builds these named exports from the CommonJS files with cjs-module-lexer, which
// recognizes tsc's `Object.defineProperty(exports, 'x', { enumerable: true, get: ... })`. If a
// future build stops matching that pattern, named imports break while `default` still works.
const IMPORT_SCRIPT = `import * as main from 'passport-bitbucket-oauth';
import * as testing from 'passport-bitbucket-oauth/testing';
import { BitbucketStrategy, BitbucketOAuth2Strategy, BitbucketAPIError, TokenError } from 'passport-bitbucket-oauth';
import { createMockBitbucket } from 'passport-bitbucket-oauth/testing';
import passportOAuth2 from 'passport-oauth2';

const verify = () => undefined;
const callbackURL = 'https://app.example.com/auth/bitbucket/callback';
const oauth2 = new BitbucketOAuth2Strategy({ clientID: 'key', clientSecret: 'secret', callbackURL }, verify);
const oauth1 = new BitbucketStrategy({ consumerKey: 'key', consumerSecret: 'secret', callbackURL }, verify);
const named = (ns) => Object.keys(ns).filter((name) => name !== 'default' && name !== '__esModule').sort();
if (typeof createMockBitbucket !== 'function') throw new Error('createMockBitbucket is not a function');
console.log(JSON.stringify({
  main: named(main),
  testing: named(testing),
  strategyNames: [oauth1.name, oauth2.name],
  apiErrorIsError: new BitbucketAPIError('boom', { code: 'network' }) instanceof Error,
  tokenErrorIsPassportOAuth2s: TokenError === passportOAuth2.TokenError,
}));
`;

/** Compiles under every resolution below; uses values and types from both entry points. */
const CONSUMER_TS = `import {
  BitbucketAPIError,
  BitbucketOAuth2Strategy,
  BitbucketStrategy,
  TokenError,
  parseCloudProfile,
  type BitbucketOAuth2StrategyOptions,
  type BitbucketProfile,
  type BitbucketStrategyOptions,
  type VerifyCallback,
} from 'passport-bitbucket-oauth';
import { DEFAULT_CLIENT, createMockBitbucket, type MockBitbucket } from 'passport-bitbucket-oauth/testing';
import type { Strategy as PassportStrategy } from 'passport';

const oauth2Options: BitbucketOAuth2StrategyOptions = { clientID: 'key', clientSecret: 'secret', callbackURL: 'https://app.example.com/cb' };
const oauth2 = new BitbucketOAuth2Strategy(oauth2Options, (accessToken: string, _refresh, profile: BitbucketProfile, done: VerifyCallback) => {
  done(null, { id: profile.id, token: accessToken });
});
const withRequest = new BitbucketOAuth2Strategy(
  { ...oauth2Options, passReqToCallback: true },
  (req, _accessToken, _refreshToken, profile, done) => done(null, { id: profile.id, ip: req.ip }),
);
const oauth1Options: BitbucketStrategyOptions = { consumerKey: 'key', consumerSecret: 'secret', callbackURL: 'https://app.example.com/cb' };
const oauth1 = new BitbucketStrategy(oauth1Options, (_token, _secret, profile, done) => done(null, profile));
const strategies: PassportStrategy[] = [oauth2, withRequest, oauth1];
const name: string = oauth2.name;

// @ts-expect-error clientSecret is required
new BitbucketOAuth2Strategy({ clientID: 'key' }, () => undefined);

export function describeError(err: unknown): string {
  if (err instanceof BitbucketAPIError) return \`\${err.code} \${err.status ?? 'no status'}\`;
  if (err instanceof TokenError) return err.code;
  return 'other';
}

export async function withMock(): Promise<string> {
  const mock: MockBitbucket = await createMockBitbucket({ clients: [{ ...DEFAULT_CLIENT }] });
  try {
    const profile: BitbucketProfile = parseCloudProfile({ user: {} });
    return \`\${mock.url} \${profile.provider} \${strategies.length} \${name}\`;
  } finally {
    await mock.close();
  }
}
`;

/** Consumer options: strict, and libraries checked too (skipLibCheck off), so our .d.ts must compile. */
function tsconfig(compilerOptions: Record<string, unknown>, files: string[]): string {
  return JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: 'ES2022',
        lib: ['ES2022'],
        types: ['node'],
        ...compilerOptions,
      },
      files,
    },
    null,
    2,
  );
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-dist.js')], { cwd: root, stdio: 'inherit' });
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'passport-bitbucket-oauth-install-'));
  write('package.json', JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  installFromTarball();
  write('require.cjs', REQUIRE_SCRIPT);
  write('import.mjs', IMPORT_SCRIPT);
  write('consumer.ts', CONSUMER_TS);
  write('esm-consumer.mts', CONSUMER_TS);
  write(
    'tsconfig.node16.json',
    tsconfig({ module: 'node16', moduleResolution: 'node16' }, ['consumer.ts', 'esm-consumer.mts']),
  );
  write('tsconfig.bundler.json', tsconfig({ module: 'esnext', moduleResolution: 'bundler' }, ['consumer.ts']));
  // NOTE: node10 with module commonjs and no esModuleInterop, TypeScript's defaults there: older
  // apps still build this way, and it is where a default import of an `export =` module breaks.
  write('tsconfig.node10.json', tsconfig({ module: 'commonjs', moduleResolution: 'node10' }, ['consumer.ts']));
  for (const resolution of RESOLUTIONS) typeChecks.set(resolution, typeCheck(`tsconfig.${resolution}.json`));
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(typeChecks.values());
  if (project !== '') fs.rmSync(project, { recursive: true, force: true });
});

describe('the packed package, installed in a fresh project', () => {
  it('installs only dist/, the docs and package.json', () => {
    const installed = fs.readdirSync(path.join(project, 'node_modules', 'passport-bitbucket-oauth')).sort();
    expect(installed).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it('loads with require(), both entry points, and the main one does not load the mock server', async () => {
    const report = await node('require.cjs');
    expect(report).toEqual({
      main: MAIN_EXPORTS,
      testing: TESTING_EXPORTS,
      strategyNames: ['bitbucket', 'bitbucket-oauth2'],
      apiErrorIsError: true,
      tokenErrorIsPassportOAuth2s: true,
      mainLoadsTesting: false,
    });
  }, 30_000);

  it('loads with import, with every name available as a named import (cjs-module-lexer sees them)', async () => {
    const report = await node('import.mjs');
    expect(report).toEqual({
      main: MAIN_EXPORTS,
      testing: TESTING_EXPORTS,
      strategyNames: ['bitbucket', 'bitbucket-oauth2'],
      apiErrorIsError: true,
      tokenErrorIsPassportOAuth2s: true,
    });
  }, 30_000);

  it.each(RESOLUTIONS)(
    'type-checks a strict TypeScript consumer with moduleResolution %s',
    async (resolution) => {
      expect(await typeChecks.get(resolution)).toBe('');
    },
    60_000,
  );
});
