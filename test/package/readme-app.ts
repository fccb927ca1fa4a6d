/**
 * The code of the README and the guides as a new user's app: its files written verbatim, its fragments each as a
 * module of their own, and the two tsconfigs (strict, skipLibCheck off) that compile them. Used by
 * readme-apps.test.ts (TypeScript 5.9, @types/node 20) and by the framework matrix's types check (TypeScript 7,
 * @types/node 26).
 */
import fs from 'node:fs';
import path from 'node:path';
import { attempt, type Outcome } from './apps';
import { ASSUMABLE, docBlocks, type DocBlock } from './readme-docs';

export const blocks = docBlocks();
export const files = blocks.filter((b) => b.marker?.kind === 'file');
export const fragments = blocks.filter((b) => b.marker?.kind === 'check');
export const testFiles = files
  .map((b) => (b.marker?.kind === 'file' ? b.marker.name : ''))
  .filter((n) => n.endsWith('.test.ts'));

/** The README's `tsconfig.json`, as a reader copies it (with `skipLibCheck` off, its default, said out loud). */
const TSCONFIG = readmeTsconfig();

function readmeTsconfig(): { compilerOptions: Record<string, unknown>; include: string[]; exclude?: string[] } {
  const block = blocks.find((b) => b.doc === 'README.md' && b.lang === 'json' && b.code.includes('"compilerOptions"'));
  if (!block) throw new Error('README.md shows no tsconfig.json');
  const tsconfig = JSON.parse(block.code) as ReturnType<typeof readmeTsconfig>;
  return { ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, skipLibCheck: false } };
}

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

/** Writes the files and fragments into `dir` and type-checks them with the given `tsc` (files emit into dist/). */
export async function writeAndCompileDocs(dir: string, tsc: string): Promise<Outcome> {
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
  return {
    ok: appCheck.ok && fragmentCheck.ok,
    output: [appCheck.output, fragmentCheck.output].filter(Boolean).join('\n'),
  };
}
