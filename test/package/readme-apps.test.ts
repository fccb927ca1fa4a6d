/**
 * The README, followed literally by a new user, in an Express 4 app and an Express 5 app installed from the
 * packed tarball: its files (`<!-- readme-test: file … -->`) are written verbatim and compiled with
 * `tsc --strict` (skipLibCheck off, so our published .d.ts must compile against each Express's types), its
 * fragments (`<!-- readme-test: check -->`) are type-checked, and its test files are run with `node --test`:
 * the "Testing your app with the mock" test signs in through the README's app against the mock Bitbucket.
 * One install per Express major, shared by every check below.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  EXPRESS_MAJORS,
  attempt,
  installApp,
  installedCopies,
  packTarball,
  root,
  tempParent,
  tsc,
  type ExpressMajor,
  type Outcome,
} from './apps';
import { CODE_LANGS, readmeBlocks, type ReadmeBlock } from './readme-blocks';

const blocks = readmeBlocks(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
const files = blocks.filter((b) => b.marker?.kind === 'file');
const fragments = blocks.filter((b) => b.marker?.kind === 'check');
const testFiles = files
  .map((b) => (b.marker?.kind === 'file' ? b.marker.name : ''))
  .filter((n) => n.endsWith('.test.ts'));

interface AppResult {
  dir: string;
  typeCheck: Outcome;
  runs: Map<string, Outcome>;
}

let parent = '';
const apps = new Map<ExpressMajor, Promise<AppResult>>();

/**
 * The names the README's fragments use without declaring them: what a reader's app already has around the
 * snippet. NOTE: a string, not a .d.ts in this repository, whose tsconfig would make them global in our tests.
 */
const README_GLOBALS = `import type { Express, RequestHandler } from 'express';
import type { PassportStatic } from 'passport';
import type { BitbucketOAuth2StrategyOptions, BitbucketOAuth2VerifyFunction } from 'passport-bitbucket-oauth';

declare global {
  const app: Express;
  const passport: PassportStatic;
  const options: BitbucketOAuth2StrategyOptions;
  const verify: BitbucketOAuth2VerifyFunction;
  const clientID: string;
  const clientSecret: string;
  const callbackURL: string;
  const home: RequestHandler;
  const users: {
    upsert(user: { bitbucketId: string; name: string; email?: string | undefined }): Promise<Express.User>;
    update(id: string, tokens: { accessToken: string; refreshToken: string }): Promise<void>;
  };
  const user: { id: string; refreshToken: string };
}
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: 'node16',
    moduleResolution: 'node16',
    target: 'ES2022',
    lib: ['ES2022'],
    types: ['node'],
    skipLibCheck: false,
    outDir: 'dist',
    rootDir: '.',
  },
  include: ['*.ts'],
};

/** The fragments compile apart from the app's files, so the app's `Express.User` does not constrain them. */
const FRAGMENTS_TSCONFIG = {
  compilerOptions: { ...TSCONFIG.compilerOptions, noEmit: true, rootDir: undefined, outDir: undefined },
  include: ['*.d.ts', '*.mts'],
};

/** Writes the README's files and fragments into the app, compiles them, runs the test files. */
async function buildApp(dir: string): Promise<AppResult> {
  for (const block of files) {
    if (block.marker?.kind === 'file') fs.writeFileSync(path.join(dir, block.marker.name), block.code);
  }
  fs.mkdirSync(path.join(dir, 'readme-check'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'readme-check', 'globals.d.ts'), README_GLOBALS);
  for (const block of fragments) {
    // `export {}` makes each fragment a module of its own, so two fragments may declare the same name;
    // an ES module (.mts) allows the top-level `await` that snippets use.
    fs.writeFileSync(path.join(dir, 'readme-check', `readme-line-${block.line}.mts`), `${block.code}export {};\n`);
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'readme-check', 'tsconfig.json'), JSON.stringify(FRAGMENTS_TSCONFIG, null, 2));
  const [appCheck, fragmentCheck] = await Promise.all([
    attempt(process.execPath, [tsc, '-p', 'tsconfig.json'], dir),
    attempt(process.execPath, [tsc, '-p', 'readme-check/tsconfig.json'], dir),
  ]);
  const typeCheck = {
    ok: appCheck.ok && fragmentCheck.ok,
    output: [appCheck.output, fragmentCheck.output].filter(Boolean).join('\n'),
  };
  const runs = new Map<string, Outcome>();
  for (const name of testFiles) {
    runs.set(name, await attempt(process.execPath, ['--test', path.join('dist', name.replace(/\.ts$/, '.js'))], dir));
  }
  return { dir, typeCheck, runs };
}

beforeAll(() => {
  parent = tempParent();
  const tarball = packTarball(parent);
  for (const major of EXPRESS_MAJORS) apps.set(major, installApp(major, tarball, parent).then(buildApp));
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(apps.values());
  if (parent !== '') fs.rmSync(parent, { recursive: true, force: true });
});

/** The app of one major, once installed, compiled and run. */
function app(major: ExpressMajor): Promise<AppResult> {
  const result = apps.get(major);
  if (result === undefined) throw new Error(`no ${major} app`);
  return result;
}

const where = (b: ReadmeBlock): string => `README.md:${b.line} (${b.lang})`;

describe('the README code blocks', () => {
  it('are each marked as a file of the app, a fragment to check, or skipped with a reason', () => {
    const unmarked = blocks.filter((b) => CODE_LANGS.has(b.lang) && b.marker === null).map(where);
    expect(unmarked).toEqual([]);
  });

  it('include the complete app and the test that signs in through it against the mock', () => {
    expect(files.map((b) => (b.marker?.kind === 'file' ? b.marker.name : ''))).toEqual(
      expect.arrayContaining(['app.ts', 'app.test.ts']),
    );
  });
});

describe.each(EXPRESS_MAJORS)('a new %s app with the packed package installed', (major) => {
  const expressMajor = major === 'express4' ? '4' : '5';

  it(`has one @types/express, its own (major ${expressMajor}), which our types then use`, async () => {
    const { dir } = await app(major);
    const copies = installedCopies(dir, '@types/express');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(new RegExp(`^node_modules/@types/express@${expressMajor}\\.`));
    expect(installedCopies(dir, 'passport-bitbucket-oauth')).toEqual([
      expect.stringMatching(/^node_modules\/passport-bitbucket-oauth@/),
    ]);
  }, 240_000);

  it('compiles the README code with tsc --strict and skipLibCheck off', async () => {
    const { typeCheck } = await app(major);
    expect(typeCheck.output).toBe('');
    expect(typeCheck.ok).toBe(true);
  }, 240_000);

  it.each(testFiles)(
    'runs the README test %s: a full sign-in against the mock Bitbucket',
    async (name) => {
      const outcome = (await app(major)).runs.get(name);
      expect(outcome?.output).toMatch(/# pass [1-9]/);
      expect(outcome?.output).toMatch(/# fail 0/);
      expect(outcome?.ok).toBe(true);
    },
    240_000,
  );
});
