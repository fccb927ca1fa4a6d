/**
 * The documents whose code a reader copies: README.md and every guide under guides/. Their blocks are read by
 * readme-blocks.ts; readme-apps.test.ts compiles and runs them, readme-docs.test.ts checks what needs no install.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readmeBlocks, type ReadmeBlock } from './readme-blocks';

export const root = path.resolve(__dirname, '../..');

/** README.md first, then the guides in name order, as paths relative to the repository. */
export function docPaths(): string[] {
  const guides = fs
    .readdirSync(path.join(root, 'guides'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `guides/${name}`);
  return ['README.md', ...guides];
}

/** A block and the document it is in. */
export interface DocBlock extends ReadmeBlock {
  doc: string;
}

/** Every fenced block of every document. */
export function docBlocks(): DocBlock[] {
  return docPaths().flatMap((doc) =>
    readmeBlocks(fs.readFileSync(path.join(root, doc), 'utf8')).map((block) => ({ ...block, doc })),
  );
}

/**
 * The names a fragment may assume (`<!-- readme-test: check assumes … -->`), as the declarations it gets: what a
 * reader's app already has around the snippet. A fragment that uses a name it does not assume fails to compile.
 */
export const ASSUMABLE: Readonly<Record<string, string>> = {
  app: "import('express').Express",
  passport: "import('passport').PassportStatic",
  options: "import('passport-bitbucket-oauth').BitbucketOAuth2StrategyOptions",
  verify: "import('passport-bitbucket-oauth').BitbucketOAuth2VerifyFunction",
  clientID: 'string',
  clientSecret: 'string',
  callbackURL: 'string',
  privateKey: 'string',
  publicKey: 'string',
  bitbucket: "import('passport-bitbucket-oauth/testing').MockBitbucket",
  users: '{ update(id: string, tokens: { accessToken: string; refreshToken: string }): Promise<void> }',
  required: '(name: string) => string',
};
