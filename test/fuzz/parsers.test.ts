/**
 * Property-based tests of the four pure parsers: whatever JSON arrives, each returns a valid result or
 * throws a `BitbucketAPIError` with code `invalid_response`, never anything else; and a valid input
 * maps field for field. Shapes follow bitbucket-facts.md (Cloud /2.0/user and /2.0/user/emails, Data
 * Center /rest/api/latest/users/{slug}, the token response).
 */
import fc from 'fast-check';
import {
  BitbucketAPIError,
  parseCloudProfile,
  parseDataCenterProfile,
  parseEmailsPage,
  parseTokenResponse,
  type BitbucketProfile,
  type EmailsPage,
  type TokenResponse,
} from 'passport-bitbucket-oauth';
import { excerpt } from '../../lib/errors';

const RUNS = 10_000;
const BASE = 'https://bitbucket.example.com';

/** Small JSON values: any shape, a few levels deep. */
const anyJson = fc.jsonValue({ maxDepth: 3, depthSize: 'small' });

/** Strings a parser must take care with: blank, URL-like with odd schemes, long, unicode. */
const trickyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    'null',
    '{}',
    '0',
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    '//evil.example/x',
    '/relative/path',
    'http://',
    'https://bitbucket.org/jdoe/',
    'https://api.bitbucket.org/2.0/user/emails?page=2',
    'ftp://x.example/a',
  ),
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'HTTPS', 'javascript', 'file'),
      fc.string({ maxLength: 8 }),
      fc.string({ maxLength: 8 }),
    )
    .map(([scheme, host, path]) => `${scheme}://${host}/${path}`),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/** A value for a known key: anything JSON, or a string close to what Bitbucket sends. */
const fieldValue = fc.oneof({ arbitrary: anyJson, weight: 1 }, { arbitrary: trickyString, weight: 2 });

/**
 * A record with the given keys (each may be absent), each value from its own arbitrary (default
 * {@link fieldValue}), plus a few stray keys.
 */
function shaped(
  keys: readonly string[],
  values: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(keys.map((k) => [k, values[k] ?? fieldValue]));
  return fc
    .tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 6 }), anyJson, { maxKeys: 1 }))
    .map(([known, stray]) => ({ ...stray, ...known }));
}

const link = fc.oneof(fieldValue, shaped(['href']));
const cloudUser = shaped(['uuid', 'account_id', 'username', 'nickname', 'display_name', 'type', 'links'], {
  links: fc.oneof(fieldValue, shaped(['html', 'avatar', 'self'], { html: link, avatar: link, self: link })),
});
const flag = fc.oneof(fieldValue, fc.boolean());
const emailEntry = fc.oneof(
  anyJson,
  shaped(['email', 'is_primary', 'is_confirmed', 'type'], { is_primary: flag, is_confirmed: flag }),
);
const emailsPage = shaped(['values', 'next', 'pagelen', 'page', 'size'], {
  values: fc.oneof(
    { arbitrary: fieldValue, weight: 1 },
    { arbitrary: fc.array(emailEntry, { maxLength: 5 }), weight: 3 },
  ),
});
const number = fc.oneof(fieldValue, fc.integer(), fc.double());
const dcUser = shaped(['id', 'name', 'slug', 'displayName', 'emailAddress', 'avatarUrl', 'active', 'type', 'links'], {
  id: number,
  links: fc.oneof(fieldValue, shaped(['self'], { self: fc.oneof(fieldValue, fc.array(link, { maxLength: 2 })) })),
});
const tokenBody = shaped(['access_token', 'refresh_token', 'token_type', 'scope', 'scopes', 'expires_in', 'state'], {
  access_token: fc.oneof(
    { arbitrary: fieldValue, weight: 1 },
    { arbitrary: fc.base64String({ minLength: 1, maxLength: 20 }), weight: 3 },
  ),
  refresh_token: fc.oneof(fieldValue, fc.constant(null), fc.base64String({ minLength: 1, maxLength: 20 })),
  token_type: fc.oneof(
    { arbitrary: fieldValue, weight: 1 },
    { arbitrary: fc.constantFrom('bearer', 'Bearer', 'BEARER', 'mac'), weight: 3 },
  ),
  scope: fc.oneof(fieldValue, fc.constantFrom('account email', 'a,b  c', ' ', 'PUBLIC_REPOS')),
  scopes: fc.oneof(fieldValue, fc.constantFrom('account email', 'a,b  c', ' ', 'PUBLIC_REPOS')),
  expires_in: fc.oneof(number, fc.constantFrom('7200', '-1', '1.5', ' 7 ', '1e3', '99999999999999999999999')),
});

/** Runs a parser; only an `invalid_response` BitbucketAPIError may come out of it. */
function parseOrTyped<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (err) {
    if (
      err instanceof BitbucketAPIError &&
      err.code === 'invalid_response' &&
      err.message.startsWith('Bitbucket response ')
    )
      return null;
    throw new Error(`not a typed error: ${String(err)}`, { cause: err });
  }
}

function fail(what: string, value: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(value)}`);
}

function isHttpURL(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

type Fields = Record<string, unknown>;

const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** `emails`: a list of exactly `{ value, primary, verified }`. */
function checkEmails(emails: unknown): void {
  if (!Array.isArray(emails)) fail('emails must be an array', emails);
  const list = emails as unknown[];
  for (const e of list) {
    const ok =
      isRecord(e) &&
      Object.keys(e).sort().join() === 'primary,value,verified' &&
      isText(e.value) &&
      typeof e.primary === 'boolean' &&
      typeof e.verified === 'boolean';
    if (!ok) fail('bad email entry', e);
  }
}

/** Checks a parsed profile as untyped data: a parser bug could return anything. */
function checkProfile(profile: BitbucketProfile, deployment: 'cloud' | 'datacenter'): void {
  const p: Fields = { ...profile };
  if (p.provider !== 'bitbucket' || p.deployment !== deployment) fail('provider/deployment', p);
  if (!isText(p.id)) fail('id must be a non-empty string', p.id);
  if (!isText(p.displayName)) fail('displayName', p.displayName);
  if (p.username !== undefined && !isText(p.username)) fail('username', p.username);
  const name = p.name;
  if (
    name !== undefined &&
    !(isRecord(name) && typeof name.givenName === 'string' && typeof name.familyName === 'string')
  ) {
    fail('name', name);
  }
  if (p.profileUrl !== undefined && !isHttpURL(p.profileUrl)) fail('profileUrl must be http(s)', p.profileUrl);
  const photos = p.photos;
  if (!Array.isArray(photos) || !photos.every((ph) => isRecord(ph) && isHttpURL(ph.value))) {
    fail('photos must be http(s)', photos);
  }
  checkEmails(p.emails);
  // Verified before unverified; within each, primary first: emails[0] is verified whenever one is.
  const rank = profile.emails.map((e) => (e.verified ? 0 : 2) + (e.primary ? 0 : 1));
  if (rank.some((r, i) => i > 0 && r < (rank[i - 1] ?? 0))) {
    fail('verified addresses first, primary first within each', profile.emails);
  }
  if (typeof p._raw !== 'string' || !isRecord(p._json)) fail('_raw/_json', p);
}

function checkPage(page: EmailsPage): void {
  checkEmails(page.emails);
  if (page.next !== null && typeof page.next !== 'string') fail('next', page.next);
}

function checkToken(t: TokenResponse): void {
  if (typeof t.accessToken !== 'string' || t.accessToken.trim() === '') fail('accessToken', t.accessToken);
  if (t.refreshToken !== undefined && (typeof t.refreshToken !== 'string' || t.refreshToken.trim() === ''))
    fail('refreshToken', t);
  if (t.expiresIn !== undefined && !(Number.isInteger(t.expiresIn) && t.expiresIn >= 0)) fail('expiresIn', t.expiresIn);
  if (!Array.isArray(t.scopes) || !t.scopes.every((s) => typeof s === 'string' && s !== '' && !/[\s,]/.test(s)))
    fail('scopes', t.scopes);
  if (t.params.access_token !== t.accessToken || t.params.scope !== t.scopes.join(' ')) fail('params', t.params);
  if ('refresh_token' in t.params) fail('params must not carry the refresh token', t.params);
  if (t.params.expires_in !== t.expiresIn) fail('params.expires_in', t.params);
}

const settings = { numRuns: RUNS };

describe('parseCloudProfile({ user })', () => {
  it.each([
    ['any JSON value', anyJson],
    ['a record with /2.0/user keys and arbitrary values', cloudUser],
  ] as const)('returns a valid profile or a typed error for %s (10,000 runs)', (_what, arb) => {
    fc.assert(
      fc.property(arb, (user) => {
        const p = parseOrTyped(() => parseCloudProfile({ user }));
        if (p) checkProfile(p, 'cloud');
      }),
      settings,
    );
  });
});

describe('parseEmailsPage', () => {
  it.each([
    ['any JSON value', anyJson],
    ['a record with /2.0/user/emails keys and arbitrary values', emailsPage],
  ] as const)('returns valid emails or a typed error for %s (10,000 runs)', (_what, arb) => {
    fc.assert(
      fc.property(arb, (page) => {
        const parsed = parseOrTyped(() => parseEmailsPage(page));
        if (parsed) checkPage(parsed);
      }),
      settings,
    );
  });
});

describe('parseDataCenterProfile(json, base)', () => {
  const base = fc.oneof({ arbitrary: fc.constant(BASE), weight: 3 }, fc.webUrl(), fc.string({ maxLength: 12 }));
  it.each([
    ['any JSON value', anyJson],
    ['a record with Data Center user keys and arbitrary values', dcUser],
  ] as const)('returns a valid profile or a typed error for %s (10,000 runs)', (_what, arb) => {
    fc.assert(
      fc.property(arb, base, (user, baseURL) => {
        const p = parseOrTyped(() => parseDataCenterProfile(user, baseURL));
        if (p) checkProfile(p, 'datacenter');
      }),
      settings,
    );
  });
});

describe('parseTokenResponse', () => {
  it.each([
    ['any JSON value', anyJson],
    ['a record with token response keys and arbitrary values', tokenBody],
  ] as const)('returns a usable token or a typed error for %s (10,000 runs)', (_what, arb) => {
    fc.assert(
      fc.property(arb, (body) => {
        const t = parseOrTyped(() => parseTokenResponse(body));
        if (t) checkToken(t);
      }),
      settings,
    );
  });
});

describe('excerpt (how untrusted text enters every error message)', () => {
  // eslint-disable-next-line no-control-regex
  const lineBreaking = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
  const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({
      unit: fc.constantFrom('a', ' ', '\n', '\u2028', '\u0085', '\u202e', '😀', '\ud800', '\udc00'),
      maxLength: 300,
    }),
  );

  it('is one well-formed line of at most `max` characters and an ellipsis (10,000 runs)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 250 }), (input, max) => {
        const out = excerpt(input, max);
        if (lineBreaking.test(out)) fail('a line break or control survived', out);
        if (loneSurrogate.test(out)) fail('not well-formed', out);
        if (out.length > max + 1) fail(`longer than ${max} + 1`, out);
      }),
      settings,
    );
  });

  it('keeps short, plain text as it is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w.,:;!?'"()<>/ -]{0,50}$/), (input) => {
        expect(excerpt(input)).toBe(input.trim());
      }),
      { numRuns: 1000 },
    );
  });
});

describe('valid inputs round-trip', () => {
  const word = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,15}$/);
  const displayName = fc.stringMatching(/^[A-Z][a-z]{0,8}( [A-Z][a-z]{0,8}){0,2}$/);
  const email = fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example`);
  const url = fc.webUrl({ size: 'small', withQueryParameters: true });

  it('a Cloud user maps field for field', () => {
    const user = fc.record(
      {
        uuid: fc.uuid().map((u) => `{${u}}`),
        account_id: fc.oneof(
          fc.stringMatching(/^[0-9a-f]{24}$/),
          fc.uuid().map((u) => `557058:${u}`),
        ),
        username: word,
        nickname: word,
        display_name: displayName,
        links: fc.record({ html: fc.record({ href: url }), avatar: fc.record({ href: url }) }),
      },
      { requiredKeys: ['uuid', 'account_id', 'nickname', 'display_name', 'links'] },
    );
    const emails = fc.array(fc.record({ value: email, primary: fc.boolean(), verified: fc.boolean() }), {
      maxLength: 4,
    });
    fc.assert(
      fc.property(user, emails, (u, list) => {
        const p = parseCloudProfile({ user: u, emails: list });
        expect(p).toMatchObject({
          provider: 'bitbucket',
          deployment: 'cloud',
          id: u.uuid,
          accountId: u.account_id,
          nickname: u.nickname,
          username: u.username ?? u.nickname,
          displayName: u.display_name,
          profileUrl: new URL(u.links.html.href).href,
          photos: [{ value: new URL(u.links.avatar.href).href }],
          _json: u,
        });
        expect(JSON.parse(p._raw)).toEqual(u);
        // Every distinct address kept, primary ones first.
        expect(new Set(p.emails.map((e) => e.value.toLowerCase()))).toEqual(
          new Set(list.map((e) => e.value.toLowerCase())),
        );
        checkProfile(p, 'cloud');
      }),
      { numRuns: 1000 },
    );
  });

  it('an emails page maps entry for entry, in order', () => {
    const page = fc.record(
      {
        values: fc.array(
          fc.record({ email, is_primary: fc.boolean(), is_confirmed: fc.boolean(), type: fc.constant('email') }),
          {
            maxLength: 10,
          },
        ),
        next: url,
        pagelen: fc.constant(10),
      },
      { requiredKeys: ['values', 'pagelen'] },
    );
    fc.assert(
      fc.property(page, (pg) => {
        expect(parseEmailsPage(pg)).toEqual({
          emails: pg.values.map((v) => ({ value: v.email, primary: v.is_primary, verified: v.is_confirmed })),
          next: pg.next ?? null,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('a Data Center user maps field for field, its avatar resolved against the base URL', () => {
    const user = fc.record({
      id: fc.nat(),
      name: word,
      slug: word,
      displayName,
      emailAddress: email,
      avatarUrl: word.map((w) => `/users/${w}/avatar.png?s=256`),
      links: fc.record({ self: fc.tuple(fc.record({ href: url })) }),
    });
    fc.assert(
      fc.property(user, (u) => {
        const p = parseDataCenterProfile(u, BASE);
        expect(p).toMatchObject({
          deployment: 'datacenter',
          id: String(u.id),
          username: u.name,
          displayName: u.displayName,
          profileUrl: new URL(u.links.self[0].href).href,
          photos: [{ value: `${BASE}${u.avatarUrl}` }],
          emails: [{ value: u.emailAddress, primary: true, verified: false }],
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('a token response maps field for field, with either scope field', () => {
    const token = fc.record(
      {
        access_token: fc.base64String({ minLength: 4, maxLength: 64 }),
        refresh_token: fc.base64String({ minLength: 4, maxLength: 64 }),
        expires_in: fc.nat({ max: 1_000_000 }),
        token_type: fc.constantFrom('bearer', 'Bearer'),
        scopes: fc.array(word, { maxLength: 4 }),
        field: fc.constantFrom('scope', 'scopes'),
      },
      { requiredKeys: ['access_token', 'token_type', 'scopes', 'field'] },
    );
    fc.assert(
      fc.property(token, ({ scopes, field, ...t }) => {
        const parsed = parseTokenResponse({ ...t, [field]: scopes.join(' ') });
        expect(parsed).toEqual({
          accessToken: t.access_token,
          refreshToken: t.refresh_token,
          expiresIn: t.expires_in,
          scopes,
          params: {
            access_token: t.access_token,
            token_type: t.token_type,
            scope: scopes.join(' '),
            ...(field === 'scopes' ? { scopes: scopes.join(' ') } : {}),
            ...(t.expires_in !== undefined ? { expires_in: t.expires_in } : {}),
          },
        });
      }),
      { numRuns: 1000 },
    );
  });
});
