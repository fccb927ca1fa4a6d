/**
 * The names the BUILT declarations export, types included, read with the TypeScript compiler from
 * dist/index.d.ts and dist/testing/index.d.ts: a file moved inside lib/ must not add, drop or rename one.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
import { MAIN_DECLARED_EXPORTS, TESTING_DECLARED_EXPORTS } from './public-names';

const root = path.resolve(__dirname, '../..');

function declaredExports(entry: string): string[] {
  const file = path.join(root, 'dist', entry);
  const program = ts.createProgram([file], { types: [], skipLibCheck: true, noEmit: true });
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${entry} was not built`);
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol) => symbol.name)
    .sort();
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-dist.js')], { cwd: root, stdio: 'inherit' });
});

describe('the published declarations', () => {
  it('export exactly the recorded names from the main entry point', () => {
    expect(declaredExports('index.d.ts')).toEqual([...MAIN_DECLARED_EXPORTS].sort());
  });

  it('export exactly the recorded names from passport-bitbucket-oauth/testing', () => {
    expect(declaredExports('testing/index.d.ts')).toEqual([...TESTING_DECLARED_EXPORTS].sort());
  });
});
