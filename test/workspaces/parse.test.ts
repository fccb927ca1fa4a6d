import { parseWorkspacesPage } from 'passport-bitbucket-oauth';
import { fixture } from '../fixtures/load';
import { expectInvalid } from '../profile/helpers';

describe('parseWorkspacesPage on the page obtained from bitbucket-facts.md, "Workspaces (2026)" (November 2026)', () => {
  it('reads slug, uuid (braces kept), name and the administrator flag; no next on a last page', () => {
    expect(parseWorkspacesPage(fixture('cloud-workspaces.facts-2026-11.json').json)).toEqual({
      workspaces: [{ slug: 'acme', uuid: '{…}', name: 'ACME', administrator: false }],
      next: null,
    });
  });
});

describe('parseWorkspacesPage on pages of other shapes', () => {
  const row = (workspace: unknown, administrator: unknown = true): unknown => ({
    type: 'workspace_access',
    administrator,
    workspace,
  });
  const rowWithout = (workspace: unknown): unknown => ({ type: 'workspace_access', workspace });

  it('gives next when more pages follow', () => {
    expect(parseWorkspacesPage({ values: [], next: 'https://api.bitbucket.org/2.0/user/workspaces?page=2' }).next).toBe(
      'https://api.bitbucket.org/2.0/user/workspaces?page=2',
    );
    expect(parseWorkspacesPage({ values: [], next: null }).next).toBeNull();
  });

  it('skips rows without a workspace slug and uuid: they can match nothing', () => {
    const page = parseWorkspacesPage({
      values: [
        null,
        'acme',
        row(undefined),
        row({ slug: 'acme' }),
        row({ uuid: '{a}' }),
        row({ slug: '', uuid: '{a}' }),
        row({ slug: 'ok', uuid: '{b}' }),
      ],
    });
    expect(page.workspaces).toEqual([{ slug: 'ok', uuid: '{b}', name: 'ok', administrator: true }]);
  });

  it('grants administrator only for a literal true', () => {
    expect(parseWorkspacesPage({ values: [rowWithout({ slug: 'a', uuid: '{a}' })] }).workspaces[0]?.administrator).toBe(
      false,
    );
    for (const flag of ['true', 1, null, {}]) {
      expect(
        parseWorkspacesPage({ values: [row({ slug: 'a', uuid: '{a}' }, flag)] }).workspaces[0]?.administrator,
      ).toBe(false);
    }
  });

  it('throws invalid_response when values is not an array or next is not a string', () => {
    for (const values of [undefined, null, 'acme', { workspace: {} }]) {
      expectInvalid(
        () => parseWorkspacesPage({ values }),
        'Bitbucket response workspaces page "values" property must be an array',
      );
    }
    expectInvalid(
      () => parseWorkspacesPage({ values: [], next: 2 }),
      'Bitbucket response workspaces page "next" property must be a string',
    );
    expectInvalid(() => parseWorkspacesPage([]), 'Bitbucket response workspaces page must be a JSON object');
  });
});
