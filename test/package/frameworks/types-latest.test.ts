/**
 * The README app with what `npm i -D typescript @types/node` installs today (TypeScript 7, @types/node 26, pinned
 * in types-latest/package.json), `strict` and `skipLibCheck: false`: our published declarations and the README's
 * code must compile there too, as they do under TypeScript 5.9 and @types/node 20 (readme-apps.test.ts).
 *
 * NOTE: TypeScript 7 is compiled with its own `tsc` only: ts-jest refuses TypeScript ≥ 7, and TypeScript 7 has no
 * `moduleResolution: node10` (the README's tsconfig uses node16). Uses the npm registry, like the matrix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { installPackage, packTarball, tempParent, type Outcome } from '../apps';
import { writeAndCompileDocs } from '../readme-app';

let parent = '';
let dir = '';
let typeCheck: Promise<Outcome>;

beforeAll(async () => {
  parent = tempParent();
  dir = await installPackage(
    path.join(__dirname, 'types-latest', 'package.json'),
    packTarball(parent),
    path.join(parent, 'types-latest'),
  );
  typeCheck = writeAndCompileDocs(dir, path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'));
}, 300_000);

afterAll(async () => {
  await typeCheck.catch(() => undefined);
  if (parent !== '') fs.rmSync(parent, { recursive: true, force: true });
});

describe('the README app under TypeScript 7 and @types/node 26', () => {
  it('installs those versions', () => {
    const version = (name: string): string =>
      (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
        .version;
    expect([version('typescript'), version('@types/node')]).toEqual(['7.0.2', '26.6.11']);
  });

  it('compiles the code of the README and the guides (files and fragments) with strict and skipLibCheck off', async () => {
    const { ok, output } = await typeCheck;
    expect(output).toBe('');
    expect(ok).toBe(true);
  }, 300_000);
});
