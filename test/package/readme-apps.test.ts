/**
 * The README and the guides, followed literally by a new user, in an Express 4 app and an Express 5 app installed
 * from the packed tarball: their files (`<!-- readme-test: file … -->`) are written verbatim and compiled with
 * `tsc --strict` (skipLibCheck off, so our published .d.ts must compile against each Express's types), their
 * fragments (`<!-- readme-test: check … -->`) are type-checked as CommonJS modules next to the app's files, and
 * their test files are run with `node --test`: the README's app signs in against the mock Bitbucket, in process
 * and as a separate process against the mock's command. One install per Express major, shared by every check.
 * What needs no install (markers, assumed names, links, length) is in readme-docs.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  EXPRESS_MAJORS,
  attempt,
  installApp,
  installedCopies,
  packTarball,
  tempParent,
  tsc,
  type ExpressMajor,
  type Outcome,
} from './apps';
import { ASSUMABLE, docBlocks, type DocBlock } from './readme-docs';

const blocks = docBlocks();
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

/**
 * The fragments compile with the app's files, so with the one `Express.User` the README's app declares, each as a
 * CommonJS module of the app (no top-level `await`, as in the reader's project).
 */
const FRAGMENTS_TSCONFIG = {
  compilerOptions: { ...TSCONFIG.compilerOptions, noEmit: true, rootDir: undefined, outDir: undefined },
  include: ['*.ts', '../*.ts'],
};

/** A fragment as a module of its own: `declare`s for the names it assumes, its code, `export {}`. */
function fragmentModule(block: DocBlock): string {
  const assumes = block.marker?.kind === 'check' ? block.marker.assumes : [];
  const declarations = assumes.map((name) => `declare const ${name}: ${ASSUMABLE[name] ?? 'never'};\n`).join('');
  return `${declarations}${block.code}export {};\n`;
}

/** Writes the README's files and fragments into the app, compiles them, runs the test files. */
async function buildApp(dir: string): Promise<AppResult> {
  for (const block of files) {
    if (block.marker?.kind === 'file') fs.writeFileSync(path.join(dir, block.marker.name), block.code);
  }
  fs.mkdirSync(path.join(dir, 'readme-check'), { recursive: true });
  for (const block of fragments) {
    // `export {}` makes each fragment a module of its own, so two fragments may declare the same name.
    const name = `${block.doc.replace(/\W+/g, '-')}-line-${block.line}.ts`;
    fs.writeFileSync(path.join(dir, 'readme-check', name), fragmentModule(block));
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

  it('compiles the code of the README and the guides with tsc --strict and skipLibCheck off', async () => {
    const { typeCheck } = await app(major);
    expect(typeCheck.output).toBe('');
    expect(typeCheck.ok).toBe(true);
  }, 240_000);

  it.each(testFiles)(
    'runs the documented test %s: sign-ins against the mock Bitbucket',
    async (name) => {
      const outcome = (await app(major)).runs.get(name);
      expect(outcome?.output).toMatch(/# pass [1-9]/);
      expect(outcome?.output).toMatch(/# fail 0/);
      expect(outcome?.ok).toBe(true);
    },
    240_000,
  );
});
