/**
 * The README and the guides as documents: every code block says how it is tested, every assumed name is one the
 * prose before it names, the README stays short and links each guide. Their code is compiled and run by
 * readme-apps.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CODE_LANGS } from './readme-blocks';
import { ASSUMABLE, docBlocks, docPaths, root, type DocBlock } from './readme-docs';

const blocks = docBlocks();
const where = (b: DocBlock): string => `${b.doc}:${b.line} (${b.lang})`;
const fileNames = blocks.flatMap((b) => (b.marker?.kind === 'file' ? [b.marker.name] : []));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('the code blocks of the README and the guides', () => {
  it('are each marked as a file of the app, a fragment to check, or skipped with a reason', () => {
    expect(blocks.filter((b) => CODE_LANGS.has(b.lang) && b.marker === null).map(where)).toEqual([]);
    expect(blocks.filter((b) => b.badMarker !== undefined).map(where)).toEqual([]);
  });

  it('include the complete app, its test, and the separate-process test on the mock command', () => {
    expect(fileNames).toEqual(expect.arrayContaining(['app.ts', 'app.test.ts', 'e2e-server.ts', 'e2e.test.ts']));
  });

  it('give each file of the app one name', () => {
    expect(fileNames.filter((name, i) => fileNames.indexOf(name) !== i)).toEqual([]);
  });

  it('assume only names the test declares, each named in the prose right before the fragment', () => {
    const problems = blocks.flatMap((b) =>
      b.marker?.kind === 'check'
        ? b.marker.assumes.flatMap((name) => [
            ...(name in ASSUMABLE ? [] : [`${where(b)} assumes an unknown name ${name}`]),
            ...(b.before.includes(`\`${name}\``) ? [] : [`${where(b)} assumes \`${name}\` without saying so`]),
          ])
        : [],
    );
    expect(problems).toEqual([]);
  });
});

describe('the README', () => {
  it('holds at most 500 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(500);
  });

  it("reads in Passport's order: install, consumer, strategy, routes, verify, the app and its test, then the rest", () => {
    const headings = [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    const order = [
      'Install',
      'Create a Bitbucket OAuth consumer',
      'Configure the strategy',
      'Authenticate requests',
      'The verify callback',
      'A complete app',
      'Its test',
      'Try it against the mock',
      'Tests with TypeScript 7',
      'Bitbucket Data Center',
      'OAuth 1.0a',
      'Restricting sign-in to your workspaces',
      'Running several instances',
      'The mock Bitbucket',
      'Frameworks',
      'Security',
    ];
    expect(headings.filter((h) => order.includes(h ?? ''))).toEqual(order);
  });

  it('links every guide, and every guide it links exists', () => {
    const linked = new Set([...readme.matchAll(/\]\((guides\/[\w-]+\.md)[#)]/g)].map((m) => m[1]));
    const guides = docPaths().filter((doc) => doc !== 'README.md');
    expect([...linked].sort()).toEqual(guides);
  });

  it('keeps the sections other work is merged into: Frameworks and Security, each with its guide', () => {
    expect(readme).toMatch(/\n## Frameworks\n[^#]*\]\(guides\/frameworks\.md\)/);
    expect(readme).toMatch(/\n## Security\n[^#]*\]\(guides\/security\.md\)/);
  });
});
