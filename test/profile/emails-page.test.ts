import { BitbucketAPIError, orderEmails, parseEmailsPage } from 'passport-bitbucket-oauth';
import { fixture } from '../fixtures/load';

function expectInvalid(parse: () => unknown, message: string): void {
  expect(parse).toThrow(BitbucketAPIError);
  expect(parse).toThrow(message);
  try {
    parse();
  } catch (err) {
    expect(err).toMatchObject({ code: 'invalid_response', message });
  }
}

describe('parseEmailsPage on the emails page obtained from bitbucket-facts.md (November 2026)', () => {
  it('reads the address, its flags and the next page', () => {
    expect(parseEmailsPage(fixture('cloud-emails.facts-2026-11.json').json)).toEqual({
      emails: [{ value: 'a@example.com', primary: true, verified: true }],
      next: 'https://api.bitbucket.org/2.0/user/emails?page=2',
    });
  });
});

describe('parseEmailsPage on pages of other shapes', () => {
  it('gives next null on the last page (next absent or null)', () => {
    expect(parseEmailsPage({ values: [] })).toEqual({ emails: [], next: null });
    expect(parseEmailsPage({ values: [], next: null })).toEqual({ emails: [], next: null });
  });

  it('throws invalid_response when values is not an array', () => {
    for (const values of [undefined, null, 'a@example.com', { email: 'a@example.com' }]) {
      expectInvalid(
        () => parseEmailsPage({ values }),
        'Bitbucket response emails page "values" property must be an array',
      );
    }
  });

  it('throws invalid_response when next is not a string', () => {
    expectInvalid(
      () => parseEmailsPage({ values: [], next: 2 }),
      'Bitbucket response emails page "next" property must be a string',
    );
    expectInvalid(
      () => parseEmailsPage({ values: [], next: { href: 'x' } }),
      'Bitbucket response emails page "next" property must be a string',
    );
  });

  it('throws invalid_response when the page is not an object', () => {
    expectInvalid(() => parseEmailsPage([]), 'Bitbucket response emails page must be a JSON object');
  });

  it('skips entries without an address, or that are not objects', () => {
    const page = parseEmailsPage({
      values: [
        null,
        'b@example.com',
        { is_primary: true },
        { email: '' },
        { email: 42 },
        { email: 'c@example.com', is_confirmed: true },
      ],
    });
    expect(page.emails).toEqual([{ value: 'c@example.com', primary: false, verified: true }]);
  });

  it('counts only a literal true as primary or confirmed', () => {
    const page = parseEmailsPage({ values: [{ email: 'd@example.com', is_primary: 'true', is_confirmed: 1 }] });
    expect(page.emails).toEqual([{ value: 'd@example.com', primary: false, verified: false }]);
  });

  it('keeps duplicates within a page (orderEmails removes them once all pages are read)', () => {
    const page = parseEmailsPage({ values: [{ email: 'e@example.com' }, { email: 'E@example.com' }] });
    expect(page.emails).toHaveLength(2);
  });
});

describe('orderEmails', () => {
  it('puts primary first, then verified, then the rest, keeping Bitbucket’s order within each', () => {
    const ordered = orderEmails([
      { value: 'r1@example.com', primary: false, verified: false },
      { value: 'v1@example.com', primary: false, verified: true },
      { value: 'r2@example.com', primary: false, verified: false },
      { value: 'p@example.com', primary: true, verified: true },
      { value: 'v2@example.com', primary: false, verified: true },
    ]);
    expect(ordered.map((e) => e.value)).toEqual([
      'p@example.com',
      'v1@example.com',
      'v2@example.com',
      'r1@example.com',
      'r2@example.com',
    ]);
  });

  it('removes repeated addresses case-insensitively, keeping the best-ranked one', () => {
    expect(
      orderEmails([
        { value: 'Jane@Example.com', primary: false, verified: false },
        { value: 'jane@example.com', primary: true, verified: true },
        { value: 'JANE@EXAMPLE.COM', primary: false, verified: true },
      ]),
    ).toEqual([{ value: 'jane@example.com', primary: true, verified: true }]);
  });

  it('does not change the list it is given', () => {
    const input = [
      { value: 'b@example.com', primary: false, verified: false },
      { value: 'a@example.com', primary: true, verified: true },
    ];
    const copy = structuredClone(input);
    orderEmails(input);
    expect(input).toEqual(copy);
  });

  it('gives an empty list for no emails', () => {
    expect(orderEmails([])).toEqual([]);
  });
});
