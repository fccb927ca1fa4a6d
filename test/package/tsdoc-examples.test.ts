/**
 * Every `@example` in lib/ compiles, as a reader would paste it into an async function of their app after the
 * names the examples take for granted (`PREAMBLE`): an example that names the wrong strategy, a wrong option or a
 * wrong type fails here, not in a reader's editor (issue 21: the mock's example used the OAuth 1.0a strategy with
 * OAuth 2.0 options). The examples' own `import` lines are dropped: the preamble imports every public name.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const virtualDir = path.join(root, 'test', 'package', '.tsdoc-examples');

/** What the examples may use without declaring it: the package's public names, and an app around them. */
const PREAMBLE = `import assert from 'node:assert/strict';
import type { ErrorRequestHandler, Express } from 'express';
import type { PassportStatic } from 'passport';
import * as bitbucket from 'passport-bitbucket-oauth';
import {
  BitbucketAPIError, BitbucketOAuth2Strategy, BitbucketStrategy, oauth1Endpoints, oauth2Endpoints, orderEmails,
  parseCloudProfile, parseDataCenterProfile, parseEmailsPage, parseTokenResponse, parseWorkspacesPage, splitName,
  WorkspaceAccessDenied, type BitbucketOAuth2VerifyFunction, type BitbucketProfile,
} from 'passport-bitbucket-oauth';
import { createMockBitbucket, DEFAULT_CLIENT, DEFAULT_USERS, type MockBitbucket, type MockWorkspace } from 'passport-bitbucket-oauth/testing';

declare const app: Express;
declare const passport: PassportStatic;
declare const verify: BitbucketOAuth2VerifyFunction;
declare const appUrl: string;
declare const mock: MockBitbucket;
declare const body: string;
declare const profile: BitbucketProfile;
declare const strategy: BitbucketOAuth2Strategy;
declare const user: { id: string; refreshToken: string };
declare const db: {
  users: {
    upsert(user: { bitbucketId: string; email?: string | undefined }): Promise<unknown>;
    update(id: string, tokens: { accessToken: string; refreshToken: string }): Promise<void>;
  };
};
`;

interface Example {
  /** `lib/…:line`, for the failure messages. */
  where: string;
  code: string;
}

/** The text of every `@example` tag in lib/, fences and import lines removed. */
function examples(): Example[] {
  const found: Example[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (file.endsWith('.ts')) collect(file);
    }
  };
  const collect = (file: string): void => {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const walk = (node: ts.Node): void => {
      for (const tag of ts.getJSDocTags(node)) {
        if (tag.tagName.text !== 'example') continue;
        const text = typeof tag.comment === 'string' ? tag.comment : (ts.getTextOfJSDocComment(tag.comment) ?? '');
        const code = text
          .split('\n')
          .filter((line) => !/^\s*```/.test(line) && !/^\s*import\s/.test(line))
          .join('\n');
        const { line } = source.getLineAndCharacterOfPosition(tag.getStart());
        found.push({ where: `${path.relative(root, file)}:${line + 1}`, code });
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
  };
  visit(path.join(root, 'lib'));
  // NOTE: a tag on a node and on its parent (a variable statement and its declaration) is the same tag.
  return found.filter((e, i) => found.findIndex((other) => other.where === e.where) === i);
}

function compile(all: Example[]): Map<string, string[]> {
  const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noEmit: true,
  };
  const files = new Map(
    all.map((e, i) => [
      path.join(virtualDir, `example-${i}.ts`),
      `${PREAMBLE}\nexport async function example(): Promise<void> {\n${e.code}\n}\n`,
    ]),
  );
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError) => {
    const text = files.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, onError)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = new Map<string, string[]>();
  [...files.keys()].forEach((file, i) => {
    const source = program.getSourceFile(file);
    const diagnostics =
      source === undefined
        ? []
        : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    if (messages.length > 0) errors.set(all[i]?.where ?? file, messages);
  });
  return errors;
}

const all = examples();

describe('the @example of every TSDoc comment in lib/', () => {
  it('are found, in both entry points', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.map((e) => e.where)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lib\/testing\/mock-bitbucket\.ts:/),
        expect.stringMatching(/^lib\/oauth2\/strategy\.ts:/),
      ]),
    );
  });

  it('compile with tsc --strict after the names they assume', () => {
    expect(Object.fromEntries(compile(all))).toEqual({});
  }, 120_000);
});
