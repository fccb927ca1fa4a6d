/**
 * The README app at both ends of what users install today, `strict` and `skipLibCheck: false`: our published
 * declarations and the code of the README and the guides must compile with
 * - the newest: what `npm i -D typescript @types/node` installs today (TypeScript 7, @types/node 26, Express 5);
 * - the oldest we support: TypeScript 5.0, @types/node 20 (engines: Node ≥ 20.18.1) and Express 4 with its own
 *   @types/express 4.17.
 * The versions are pinned in types-latest/ and types-oldest/package.json; readme-apps.test.ts covers TypeScript 5.9.
 *
 * NOTE: each is compiled with its own `tsc`: ts-jest refuses TypeScript ≥ 7, and TypeScript 7 has no
 * `moduleResolution: node10` (the README's tsconfig uses node16). Uses the npm registry, like the matrix.
 * NOTE: @types/node 24 and 26 need TypeScript 5.6 (DefinitelyTyped's `typeScriptVersion`), so the oldest
 * TypeScript goes with the oldest @types/node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { installPackage, packTarball, tempParent, type Outcome } from '../apps';
import { writeAndCompileDocs } from '../readme-app';

interface Cell {
  name: 'types-latest' | 'types-oldest';
  title: string;
  versions: Record<string, string>;
}

const CELLS: Cell[] = [
  {
    name: 'types-latest',
    title: 'TypeScript 7, @types/node 26 and Express 5',
    versions: { typescript: '7.0.2', '@types/node': '26.6.11', '@types/express': '5.0.6' },
  },
  {
    name: 'types-oldest',
    title: 'TypeScript 5.0, @types/node 20 and Express 4',
    versions: { typescript: '5.0.4', '@types/node': '20.19.43', '@types/express': '4.17.25' },
  },
];

let parent = '';
const installs = new Map<string, Promise<{ dir: string; typeCheck: Outcome }>>();

beforeAll(() => {
  parent = tempParent();
  const tarball = packTarball(parent);
  // One after the other: two installs at once on two cores slow each other down.
  let previous: Promise<unknown> = Promise.resolve();
  for (const cell of CELLS) {
    const done = previous.then(async () => {
      const dir = await installPackage(
        path.join(__dirname, cell.name, 'package.json'),
        tarball,
        path.join(parent, cell.name),
      );
      const typeCheck = await writeAndCompileDocs(dir, path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'));
      return { dir, typeCheck };
    });
    done.catch(() => undefined);
    installs.set(cell.name, done);
    previous = done.catch(() => undefined);
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(installs.values());
  if (parent !== '') fs.rmSync(parent, { recursive: true, force: true });
});

describe.each(CELLS.map((cell) => [cell.title, cell] as [string, Cell]))('the README app under %s', (_title, cell) => {
  const installed = (): Promise<{ dir: string; typeCheck: Outcome }> => {
    const result = installs.get(cell.name);
    if (result === undefined) throw new Error(`no install of ${cell.name}`);
    return result;
  };

  it('installs those versions', async () => {
    const { dir } = await installed();
    const version = (name: string): string =>
      (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
        .version;
    expect(Object.fromEntries(Object.keys(cell.versions).map((name) => [name, version(name)]))).toEqual(cell.versions);
  }, 300_000);

  it('compiles the code of the README and the guides (files and fragments) with strict and skipLibCheck off', async () => {
    const { typeCheck } = await installed();
    expect(typeCheck.output).toBe('');
    expect(typeCheck.ok).toBe(true);
  }, 300_000);
});
