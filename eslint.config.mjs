// @ts-check
// ESLint flat config. TypeScript files get typescript-eslint's strictest type-aware presets
// (strictTypeChecked + stylisticTypeChecked), with type information from tsconfig.json. lib/ is
// what users run, so it gets no relaxation; tests and the example app relax only rules that fight
// their job (see each block). Formatting is Prettier's job: none of the rules below are formatting
// rules, so the two never disagree.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// NOTE: the `globals` package is not a dependency of this repo; these are the Node globals our
// plain .js files (jest config, bench, e2e runner, scripts) use.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    '__dirname',
    '__filename',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'exports',
    'fetch',
    'module',
    'performance',
    'process',
    'queueMicrotask',
    'require',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** Unused names are an error, except `_`-prefixed ones: the convention tsc's noUnused* checks follow. */
const unusedVars = [
  'error',
  {
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
  },
];

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'dist/',
    '.dist-*/',
    'coverage/',
    'docs/',
    'examples/login/dist/',
    // Compiled (strict) in its own install by the framework matrix, against Nest packages this repo lacks.
    'test/package/frameworks/nestjs/',
    'test/e2e/output/',
  ]),

  {
    name: 'all files',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  {
    name: 'JavaScript (CommonJS, Node)',
    files: ['**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: nodeGlobals },
    rules: { 'no-unused-vars': unusedVars },
  },
  {
    name: 'JavaScript (ES modules, Node)',
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: nodeGlobals },
    rules: { 'no-unused-vars': unusedVars },
  },

  {
    name: 'TypeScript (type-aware)',
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      // NOTE: one program for every file, the root tsconfig.json (lib, test, examples, bench), where
      // `passport-bitbucket-oauth` maps to lib/. The project service would pick examples/login's own
      // tsconfig, which resolves the package to the BUILT dist/: results would depend on the build.
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      // Numbers (`answered ${status}`) and URLs (their string is the serialized URL, also for
      // @types/node's global URL/URLSearchParams) are fine; other objects, `any` and nullish are not.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'url', name: ['URL', 'URLSearchParams'] },
          ],
        },
      ],
      // NOTE: `if (denied) return this.fail(...)` and `return done(err)` end a void function early:
      // the Passport family's idiom, not a confusing use of a void value (still flagged elsewhere).
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreVoidReturningFunctions: true }],
      // NOTE: the strategies' constructor overloads (one per verify-callback shape) must stay apart:
      // TypeScript cannot infer an arrow callback's parameters from a union of function types.
      // Documenting each overload (which verify shape it takes) is what makes them distinct.
      '@typescript-eslint/unified-signatures': ['error', { ignoreOverloadsWithDifferentJSDoc: true }],
      // `import X = require('m')` is TypeScript's import for an `export =` module (passport-oauth1/2):
      // unlike a default import, its emitted .d.ts works for users without esModuleInterop.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },

  {
    name: 'lib: the published code, no relaxation',
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      // NOTE: this stylistic rule asks for `x!` instead of `x as T`, which no-non-null-assertion
      // forbids here; typescript-eslint documents the two as conflicting. Narrow instead of either.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // A library never writes to the user's console.
      'no-console': 'error',
    },
  },

  {
    name: 'tests',
    files: ['test/**/*.ts'],
    rules: {
      // Tests assert what they just set up: `users[0]!` after creating users is clearer than a guard.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // supertest's `res.body` and jest's asymmetric matchers (`expect.any()`) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `expect(obj.method).toHaveBeenCalled()` passes methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // Stub callbacks (`() => {}`) and `async` test bodies without `await` are normal in tests.
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    name: 'example app and benchmark',
    files: ['examples/**/*.ts', 'bench/**'],
    rules: {
      // They are programs: logging where they listen and what they measured is their output.
      'no-console': 'off',
    },
  },
);
