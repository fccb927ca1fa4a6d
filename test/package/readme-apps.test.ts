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
import { testFiles, writeAndCompileDocs } from './readme-app';

interface AppResult {
  dir: string;
  typeCheck: Outcome;
  runs: Map<string, Outcome>;
}

let parent = '';
const apps = new Map<ExpressMajor, Promise<AppResult>>();

/** Writes the README's files and fragments into the app, compiles them, runs the test files. */
async function buildApp(dir: string): Promise<AppResult> {
  const typeCheck = await writeAndCompileDocs(dir, tsc);
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
