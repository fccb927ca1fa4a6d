/**
 * Every export of the two entry points is documented, and every exported class and function shows
 * how to use it in an `@example` (panva's rule: TSDoc with `@example` on every export). Read with
 * the TypeScript compiler API from lib/, so it needs no build.
 */
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const ENTRY_POINTS = {
  'passport-bitbucket-oauth': 'lib/index.ts',
  'passport-bitbucket-oauth/testing': 'lib/testing/index.ts',
};

interface ExportedDeclaration {
  /** `entry point: name`, for the failure messages. */
  id: string;
  kind: 'class' | 'function' | 'other';
  documented: boolean;
  hasExample: boolean;
}

function loadProgram(): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error('cannot read tsconfig.build.json');
  return ts.createProgram(
    Object.values(ENTRY_POINTS).map((file) => path.join(root, file)),
    parsed.options,
  );
}

function exportsOf(program: ts.Program, entry: string, file: string): ExportedDeclaration[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(root, file));
  if (source === undefined) throw new Error(`${file} is not in the program`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${file} is not a module`);
  const found: ExportedDeclaration[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    // NOTE: passport-oauth2's error classes are re-exported as they are: documented upstream.
    if (declarations.every((declaration) => declaration.getSourceFile().fileName.includes('/node_modules/'))) continue;
    const documented =
      ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '' ||
      // Overloaded functions and constructors carry their docs on the signatures.
      declarations.some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0);
    const hasExample =
      symbol.getJsDocTags(checker).some((tag) => tag.name === 'example') ||
      declarations.some((declaration) => ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'));
    const kind =
      symbol.flags & ts.SymbolFlags.Class ? 'class' : symbol.flags & ts.SymbolFlags.Function ? 'function' : 'other';
    found.push({ id: `${entry}: ${exported.name}`, kind, documented, hasExample });
  }
  return found;
}

let declarations: ExportedDeclaration[];

beforeAll(() => {
  const program = loadProgram();
  declarations = Object.entries(ENTRY_POINTS).flatMap(([entry, file]) => exportsOf(program, entry, file));
}, 60_000);

describe('the TSDoc of the public API', () => {
  it('finds the exports of both entry points', () => {
    expect(declarations.map((declaration) => declaration.id)).toEqual(
      expect.arrayContaining([
        'passport-bitbucket-oauth: BitbucketOAuth2Strategy',
        'passport-bitbucket-oauth: BitbucketProfile',
        'passport-bitbucket-oauth/testing: createMockBitbucket',
      ]),
    );
  });

  it('documents every export', () => {
    expect(declarations.filter((declaration) => !declaration.documented).map((declaration) => declaration.id)).toEqual(
      [],
    );
  });

  it('gives every exported class and function an @example', () => {
    const missing = declarations
      .filter((declaration) => declaration.kind !== 'other' && !declaration.hasExample)
      .map((declaration) => `${declaration.id} (${declaration.kind})`);
    expect(missing).toEqual([]);
  });
});
