import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// ARCHITECTURE.md: imports go one way, with no cycle among lib/'s files, type-only imports included (they tie the
// files together for a reader just the same).

/** Every `.ts` file under `dir` (declaration files aside). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return file.endsWith('.ts') && !file.endsWith('.d.ts') ? [file] : [];
  });
}

/** The file a relative specifier names, if it is one of ours. */
function resolve(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate)) ?? null;
}

const RELATIVE_IMPORTS = [
  /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  /require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
];

/** The import cycles among the files under `dir`: each a sorted list of paths relative to `dir`. */
function importCycles(dir: string): string[][] {
  const files = sources(dir);
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    for (const pattern of RELATIVE_IMPORTS) {
      for (const match of text.matchAll(pattern)) {
        const target = resolve(file, match[1]!);
        if (target !== null) targets.add(target);
      }
    }
    edges.set(file, targets);
  }
  // Tarjan's strongly connected components: one of two files or more is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(path.relative(dir, member));
    } while (member !== file);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return cycles;
}

describe('import cycles', () => {
  it('lib/ has none, type-only imports included', () => {
    expect(importCycles(path.join(__dirname, '..', '..', 'lib'))).toEqual([]);
  });

  it('are found when there is one (the check itself works)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cycles-'));
    try {
      writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
      writeFileSync(path.join(dir, 'b.ts'), "export { type A } from './a';\nexport type B = string;\n");
      writeFileSync(path.join(dir, 'c.ts'), "import { type B } from './b';\nexport const c: B = '';\n");
      expect(importCycles(dir)).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
