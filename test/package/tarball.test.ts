/**
 * What `npm pack` would publish, read from `npm pack --dry-run --json` (scripts ignored: it packs
 * the dist/ that is there instead of rebuilding it under the other tests' feet).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface PackedFile {
  path: string;
  size: number;
}

/** A source map, as far as these tests read one. */
interface SourceMap {
  sources: string[];
  sourceRoot?: string;
  sourcesContent?: (string | null)[];
}

let files: string[];

function pack(): string[] {
  const stdout = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const report = JSON.parse(stdout) as { files: PackedFile[] }[];
  const first = report[0];
  if (first === undefined) throw new Error('npm pack --json printed no package');
  return first.files.map((file) => file.path).sort();
}

function readPacked(file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-dist.js')], { cwd: root, stdio: 'inherit' });
  files = pack();
}, 60_000);

describe('the published tarball', () => {
  it('holds only dist/, the README, the LICENSE, the CHANGELOG and package.json', () => {
    const outside = files.filter(
      (file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(file),
    );
    expect(outside).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']));
  });

  it('holds both entry points, their declarations and every file package.json points to', () => {
    const pkg = JSON.parse(readPacked('package.json')) as {
      main: string;
      types: string;
      exports: Record<string, string | Record<string, string>>;
      typesVersions?: Record<string, Record<string, string[]>>;
    };
    const targets = [pkg.main, pkg.types];
    for (const target of Object.values(pkg.exports)) {
      targets.push(...(typeof target === 'string' ? [target] : Object.values(target)));
    }
    for (const mapping of Object.values(pkg.typesVersions ?? {})) {
      for (const list of Object.values(mapping)) targets.push(...list);
    }
    const missing = targets.map((target) => path.posix.normalize(target)).filter((target) => !files.includes(target));
    expect(missing).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts']),
    );
  });

  it('holds no tests, fixtures, examples, benchmarks or TypeScript sources', () => {
    const unwanted = files.filter(
      (file) =>
        /(^|\/)(test|tests|__tests__|fixtures|examples|bench|coverage|docs)\//.test(file) ||
        /\.(test|spec)\.[cm]?[jt]s(\.map)?$/.test(file) ||
        (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) ||
        /\.tsbuildinfo$|\.tgz$|(^|\/)\.env/.test(file),
    );
    expect(unwanted).toEqual([]);
  });

  it('ships a declaration next to every JavaScript file', () => {
    const js = files.filter((file) => file.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    expect(js.filter((file) => !files.includes(file.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('ships source maps whose every source is either in the tarball or embedded (sourcesContent)', () => {
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const dangling: string[] = [];
    for (const file of maps) {
      const map = JSON.parse(readPacked(file)) as SourceMap;
      map.sources.forEach((source, i) => {
        const resolved = path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source);
        const embedded = typeof map.sourcesContent?.[i] === 'string';
        if (!embedded && !files.includes(resolved)) dangling.push(`${file} → ${resolved}`);
      });
    }
    expect(dangling).toEqual([]);
  });

  it('points every sourceMappingURL comment at a map in the tarball', () => {
    const dangling: string[] = [];
    for (const file of files.filter((name) => /\.(js|d\.ts)$/.test(name))) {
      const match = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readPacked(file));
      if (match?.[1] === undefined) continue;
      const target = path.posix.join(path.posix.dirname(file), match[1]);
      if (!files.includes(target)) dangling.push(`${file} → ${target}`);
    }
    expect(dangling).toEqual([]);
  });

  it("ships declarations that never mention the untyped 'passport-oauth1' module (its ambient types stay in lib/)", () => {
    const leaking = files
      .filter((file) => file.endsWith('.d.ts'))
      .filter((file) => /(from |import\()\s*['"]passport-oauth1['"]/.test(readPacked(file)));
    expect(leaking).toEqual([]);
  });
});
