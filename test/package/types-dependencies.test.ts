/**
 * The `@types/*` packages our published declarations need (issue 18): in `dependencies`, so TypeScript users get
 * them, with a range that stays within one major (`^1.0.17`), so a breaking major of someone else's types never
 * arrives by surprise; never `*`, and never an exact pin (which would fight the app's own copy). Nothing else
 * `@types/*` is published: the declarations import only `passport` and `passport-oauth2` (and Node's own modules,
 * whose types the app brings).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const typesDependencies = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@types/'));

describe("the package's own @types dependencies", () => {
  it('are exactly the ones the declarations import', () => {
    expect(typesDependencies.map(([name]) => name).sort()).toEqual(['@types/passport', '@types/passport-oauth2']);
  });

  it.each(typesDependencies)('%s has a caret range within one major (got %s)', (_name, range) => {
    expect(range).toMatch(/^\^[1-9]\d*\.\d+\.\d+$/);
  });
});
