/**
 * The code blocks of the README and of the guides (guides/*.md), and what each is for, read from the HTML comment
 * right before it:
 *
 * - `<!-- readme-test: file app.ts -->`: a file of the reader's app, written verbatim and compiled with the
 *   others; a `*.test.ts` file is also run (`node --test`).
 * - `<!-- readme-test: check -->`: a fragment, type-checked on its own (with the app's files, so with its
 *   `Express.User`); `<!-- readme-test: check assumes app verify -->` declares the names it uses without
 *   declaring them (`ASSUMABLE` in readme-apps.test.ts), and nothing else. The prose before the fragment names
 *   each of them, so a reader knows what to have in scope.
 * - `<!-- readme-test: playwright e2e/sign-in.spec.ts -->`: a file of the reader's Playwright set-up, written verbatim
 *   into the app and run by `npx playwright test` in real Chromium (`make e2e`, test/e2e/readme-playwright.test.ts).
 * - `<!-- readme-test: skip <why> -->`: not tested, and the reason says why.
 *
 * Every TypeScript or JavaScript block must carry one of these, so a new block cannot go untested by accident.
 */

/** What the comment before a block asks for. */
export type ReadmeMarker =
  | { kind: 'file'; name: string }
  | { kind: 'playwright'; name: string }
  | { kind: 'check'; assumes: string[] }
  | { kind: 'skip'; reason: string };

/** One fenced code block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language (`ts`, `sh`…), '' without one. */
  lang: string;
  code: string;
  /** `null` when no `readme-test` comment precedes the block. */
  marker: ReadmeMarker | null;
  /** The comment's text when it is present but not understood. */
  badMarker?: string;
  /** The text between the previous block and this one (the prose that introduces it). */
  before: string;
}

/** Languages whose blocks must be marked. */
export const CODE_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs', 'tsx']);

const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->$/;
const FENCE = /^( *)(```|~~~)\s*([\w-]*)/;

function parseMarker(text: string): ReadmeMarker | undefined {
  const [kind = '', ...rest] = text.split(/\s+/);
  const arg = rest.join(' ');
  if (kind === 'file' && /^[\w.-]+\.ts$/.test(arg)) return { kind: 'file', name: arg };
  if (kind === 'playwright' && /^(?:[\w-]+\/)?[\w.-]+\.ts$/.test(arg)) return { kind: 'playwright', name: arg };
  if (kind === 'check' && arg === '') return { kind: 'check', assumes: [] };
  if (kind === 'check' && rest[0] === 'assumes' && rest.length > 1) return { kind: 'check', assumes: rest.slice(1) };
  if (kind === 'skip' && arg !== '') return { kind: 'skip', reason: arg };
  return undefined;
}

/** Every fenced block of a Markdown text, with the `readme-test` comment that precedes it (blank lines allowed). */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let lastText = '';
  let before: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.trim() !== '') lastText = line.trim();
      before.push(line);
      continue;
    }
    // A block inside a list item is indented: its fence and its lines lose that indentation.
    const indent = fence[1] ?? '';
    const close = lines.findIndex((l, j) => j > i && l.startsWith(`${indent}${fence[2] ?? '```'}`));
    const end = close === -1 ? lines.length : close;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    const markerText = MARKER.exec(lastText)?.[1];
    const marker = markerText === undefined ? undefined : parseMarker(markerText);
    blocks.push({
      line: i + 1,
      lang: fence[3] ?? '',
      code: `${body.join('\n')}\n`,
      marker: marker ?? null,
      ...(markerText !== undefined && marker === undefined ? { badMarker: markerText } : {}),
      before: before.join('\n'),
    });
    i = end;
    lastText = '';
    before = [];
  }
  return blocks;
}
