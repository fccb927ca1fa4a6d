import { parseDataCenterProfile } from 'passport-bitbucket-oauth';
import { fixture } from '../fixtures/load';
import { expectInvalid, fixtureWith } from './helpers';

const USER = 'datacenter-user.facts-2026-11.json';
const BASE = 'https://bitbucket.example.com';

/** The fixture with one field changed. */
const userWith = (change: (user: Record<string, unknown>) => void): Record<string, unknown> =>
  fixtureWith(USER, change);

describe('parseDataCenterProfile on the Data Center user obtained from bitbucket-facts.md (November 2026)', () => {
  const { raw, json } = fixture(USER);

  it('gives every field of the profile', () => {
    expect(parseDataCenterProfile(json, BASE, raw)).toEqual({
      provider: 'bitbucket',
      deployment: 'datacenter',
      baseURL: BASE,
      id: '1',
      username: 'jcitizen',
      displayName: 'Jane Citizen',
      name: { givenName: 'Jane', familyName: 'Citizen' },
      profileUrl: 'https://bitbucket.example.com/users/jcitizen',
      photos: [{ value: 'https://bitbucket.example.com/users/jcitizen/avatar.png?s=256' }],
      emails: [{ value: 'jane@example.com', primary: true, verified: false }],
      _raw: raw,
      _json: json,
    });
  });

  it('turns the numeric id into the string "1"', () => {
    expect(parseDataCenterProfile(json, BASE).id).toBe('1');
  });

  it('resolves the relative avatarUrl against the base URL', () => {
    expect(parseDataCenterProfile(json, 'http://localhost:7990').photos).toEqual([
      { value: 'http://localhost:7990/users/jcitizen/avatar.png?s=256' },
    ]);
  });

  it('marks the address as not verified: Data Center does not say', () => {
    expect(parseDataCenterProfile(json, BASE).emails[0]?.verified).toBe(false);
  });

  it('re-serializes the user as _raw when no raw text is given', () => {
    expect(JSON.parse(parseDataCenterProfile(json, BASE)._raw)).toEqual(json);
  });
});

describe('parseDataCenterProfile on other users', () => {
  it('has no emails without emailAddress, and no photos without avatarUrl', () => {
    const profile = parseDataCenterProfile(
      userWith((u) => {
        delete u.emailAddress;
        delete u.avatarUrl;
      }),
      BASE,
    );
    expect(profile.emails).toEqual([]);
    expect(profile.photos).toEqual([]);
  });

  it('uses the slug when name is absent, and the username when displayName is absent', () => {
    const profile = parseDataCenterProfile(
      userWith((u) => {
        delete u.name;
        delete u.displayName;
      }),
      BASE,
    );
    expect(profile.username).toBe('jcitizen');
    expect(profile.displayName).toBe('jcitizen');
    expect(profile).not.toHaveProperty('name');
  });

  it('has no profileUrl when links.self is empty or holds no object', () => {
    for (const links of [
      { self: [] },
      { self: ['https://bitbucket.example.com/users/jcitizen'] },
      { self: 'x' },
      null,
    ]) {
      expect(
        parseDataCenterProfile(
          userWith((u) => (u.links = links)),
          BASE,
        ),
      ).not.toHaveProperty('profileUrl');
    }
  });

  it('drops a javascript: self link', () => {
    const profile = parseDataCenterProfile(
      userWith((u) => (u.links = { self: [{ href: 'javascript:alert(1)' }] })),
      BASE,
    );
    expect(profile).not.toHaveProperty('profileUrl');
  });

  it('throws invalid_response when id is missing or not an integer', () => {
    for (const id of [undefined, 1.5, null, '']) {
      expectInvalid(
        () =>
          parseDataCenterProfile(
            userWith((u) => (u.id = id)),
            BASE,
          ),
        'Bitbucket response user "id" property must be an integer',
      );
    }
  });

  it('throws invalid_response when neither name nor slug is there', () => {
    expectInvalid(
      () =>
        parseDataCenterProfile(
          userWith((u) => {
            delete u.name;
            delete u.slug;
          }),
          BASE,
        ),
      'Bitbucket response user "name" property must be a non-empty string',
    );
  });

  it('throws invalid_response when the body is not an object', () => {
    expectInvalid(() => parseDataCenterProfile('jcitizen', BASE), 'Bitbucket response user must be a JSON object');
  });
});
