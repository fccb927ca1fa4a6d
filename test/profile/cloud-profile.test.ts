import { parseCloudProfile, parseEmailsPage, type BitbucketProfile } from 'passport-bitbucket-oauth';
import { fixture } from '../fixtures/load';
import { expectInvalid, fixtureWith } from './helpers';

const USER = 'cloud-user.facts-2026-11.json';
const EMAILS = 'cloud-emails.facts-2026-11.json';

/** The fixture with one field changed. */
const userWith = (change: (user: Record<string, unknown>) => void): Record<string, unknown> =>
  fixtureWith(USER, change);

describe('parseCloudProfile on the user obtained from bitbucket-facts.md (Atlassian docs capture, November 2026)', () => {
  const { raw, json } = fixture(USER);
  const emails = parseEmailsPage(fixture(EMAILS).json).emails;
  const profile: BitbucketProfile = parseCloudProfile({ user: json, raw, emails });

  it('gives every field of the profile', () => {
    expect(profile).toEqual({
      provider: 'bitbucket',
      deployment: 'cloud',
      baseURL: 'https://bitbucket.org',
      id: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}',
      accountId: '5c65cab48bcc9e016aeece31',
      nickname: 'Jane Doe',
      username: 'jdoe',
      displayName: 'Jane Doe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      // The capture's elisions ("…") are percent-encoded: the URL is normalized.
      profileUrl: 'https://bitbucket.org/%7B768f%E2%80%A6%7D/',
      photos: [{ value: 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/%E2%80%A6/128' }],
      emails: [{ value: 'a@example.com', primary: true, verified: true }],
      _raw: raw,
      _json: json,
    });
  });

  it('keeps the uuid exactly as Bitbucket sends it, braces included, as the id', () => {
    expect(profile.id).toBe('{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}');
  });

  it('keeps the body as received in _raw and parsed in _json', () => {
    expect(profile._raw).toBe(raw);
    expect(profile._json).toBe(json);
  });

  it('re-serializes the user as _raw when no raw text is given, and has no emails without any', () => {
    const bare = parseCloudProfile({ user: json });
    expect(JSON.parse(bare._raw)).toEqual(json);
    expect(bare.emails).toEqual([]);
    expect(bare).not.toHaveProperty('emailsError');
  });

  it('passes emailsError on', () => {
    const emailsError = {
      status: 403,
      message: 'Your credentials lack one or more required privilege scopes.',
      required: ['email'],
      granted: ['account'],
    };
    expect(parseCloudProfile({ user: json, emailsError }).emailsError).toEqual(emailsError);
  });

  it('orders emails primary first, then confirmed, then the rest', () => {
    const parsed = parseCloudProfile({
      user: json,
      emails: [
        { value: 'unconfirmed@example.com', primary: false, verified: false },
        { value: 'confirmed@example.com', primary: false, verified: true },
        { value: 'primary@example.com', primary: true, verified: true },
      ],
    });
    expect(parsed.emails.map((e) => e.value)).toEqual([
      'primary@example.com',
      'confirmed@example.com',
      'unconfirmed@example.com',
    ]);
  });
});

describe('parseCloudProfile on a user after the 2019 privacy changes', () => {
  it('uses the nickname as username when username is absent', () => {
    const profile = parseCloudProfile({ user: userWith((u) => delete u.username) });
    expect(profile.username).toBe('Jane Doe');
    expect(profile.nickname).toBe('Jane Doe');
  });

  it('uses the nickname as displayName when display_name is absent, and then splits no name', () => {
    const profile = parseCloudProfile({
      user: userWith((u) => {
        delete u.display_name;
        u.nickname = 'jd';
      }),
    });
    expect(profile.displayName).toBe('jd');
    expect(profile).not.toHaveProperty('name');
  });

  it('falls back to the username, then to the id, for displayName', () => {
    const noNickname = userWith((u) => {
      delete u.display_name;
      delete u.nickname;
    });
    expect(parseCloudProfile({ user: noNickname }).displayName).toBe('jdoe');
    delete noNickname.username;
    const profile = parseCloudProfile({ user: noNickname });
    expect(profile.displayName).toBe('{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}');
    expect(profile).not.toHaveProperty('username');
    expect(profile).not.toHaveProperty('nickname');
  });

  it('has no accountId when account_id is absent', () => {
    expect(parseCloudProfile({ user: userWith((u) => delete u.account_id) })).not.toHaveProperty('accountId');
  });

  it('ignores a display_name that is not a string', () => {
    const profile = parseCloudProfile({ user: userWith((u) => (u.display_name = { first: 'Jane' })) });
    expect(profile.displayName).toBe('Jane Doe');
    expect(profile).not.toHaveProperty('name');
  });
});

describe('parseCloudProfile on links', () => {
  it('has no profileUrl and no photos when links are missing', () => {
    const profile = parseCloudProfile({ user: userWith((u) => delete u.links) });
    expect(profile).not.toHaveProperty('profileUrl');
    expect(profile.photos).toEqual([]);
  });

  it('has no profileUrl and no photos when links is not an object', () => {
    const profile = parseCloudProfile({ user: userWith((u) => (u.links = ['https://bitbucket.org/jdoe/'])) });
    expect(profile).not.toHaveProperty('profileUrl');
    expect(profile.photos).toEqual([]);
  });

  it('drops a javascript: avatar and a javascript: profile link', () => {
    const profile = parseCloudProfile({
      user: userWith((u) => {
        u.links = { html: { href: 'javascript:alert(1)' }, avatar: { href: 'javascript:alert(document.cookie)' } };
      }),
    });
    expect(profile.photos).toEqual([]);
    expect(profile).not.toHaveProperty('profileUrl');
  });

  it('drops a relative or malformed avatar href, and one that is not a string', () => {
    for (const href of ['/avatar.png', 'http://', 128]) {
      const profile = parseCloudProfile({ user: userWith((u) => (u.links = { avatar: { href } })) });
      expect(profile.photos).toEqual([]);
    }
  });

  it('keeps an http: avatar', () => {
    const profile = parseCloudProfile({
      user: userWith((u) => (u.links = { avatar: { href: 'http://avatars.example.com/a.png' } })),
    });
    expect(profile.photos).toEqual([{ value: 'http://avatars.example.com/a.png' }]);
  });
});

describe('parseCloudProfile on a user without a usable id', () => {
  const message = 'Bitbucket response user "uuid" property must be a non-empty string';

  it('throws invalid_response when uuid is missing', () => {
    expectInvalid(() => parseCloudProfile({ user: userWith((u) => delete u.uuid) }), message);
  });

  it('throws invalid_response when uuid is empty or blank', () => {
    expectInvalid(() => parseCloudProfile({ user: userWith((u) => (u.uuid = '')) }), message);
    expectInvalid(() => parseCloudProfile({ user: userWith((u) => (u.uuid = '   ')) }), message);
  });

  it('throws invalid_response when uuid is a number or null', () => {
    expectInvalid(() => parseCloudProfile({ user: userWith((u) => (u.uuid = 768)) }), message);
    expectInvalid(() => parseCloudProfile({ user: userWith((u) => (u.uuid = null)) }), message);
  });

  it('throws invalid_response when the body is not an object', () => {
    for (const user of [null, [], 'jdoe', 42, undefined]) {
      expectInvalid(() => parseCloudProfile({ user }), 'Bitbucket response user must be a JSON object');
    }
  });
});
