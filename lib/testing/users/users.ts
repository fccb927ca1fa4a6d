import type { MockClient, MockDataCenterUser, MockUser } from '../types';

/**
 * The consumer the mock knows when no `clients` option is given. Its callback URL
 * `http://127.0.0.1:` is a prefix of every app URL on 127.0.0.1, whatever the port.
 * @example
 * const mock = await createMockBitbucket();
 * new BitbucketOAuth2Strategy({ ...mock.oauth2Endpoints(), clientID: DEFAULT_CLIENT.clientId,
 *   clientSecret: DEFAULT_CLIENT.clientSecret, callbackURL: `${appUrl}/auth/callback` }, verify);
 */
export const DEFAULT_CLIENT: Readonly<MockClient> = Object.freeze({
  clientId: 'mock-client-id',
  clientSecret: 'mock-client-secret',
  callbackURL: 'http://127.0.0.1:',
});

function manyEmails(): MockUser['emails'] {
  return Array.from({ length: 12 }, (_, i) => ({
    email: `max.mails+${i + 1}@example.org`,
    // The primary address is the 11th, on page 2: a client must follow `next` to find it.
    primary: i === 10,
    confirmed: i % 3 !== 2,
  }));
}

/** The workspaces of the mock's shared organisation, `acme`. */
const ACME = { slug: 'acme', uuid: '{5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f}', name: 'ACME' } as const;

function manyWorkspaces(): NonNullable<MockUser['workspaces']> {
  // 12 workspaces, so the list has 2 pages at Bitbucket's default page length: `acme` is the 12th, on page 2.
  return Array.from({ length: 12 }, (_, i) =>
    i === 11
      ? { ...ACME, administrator: false }
      : {
          slug: `max-team-${i + 1}`,
          uuid: `{00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}}`,
          name: `Max Team ${i + 1}`,
          administrator: i === 0,
        },
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The accounts the mock knows when no `users` option is given:
 * 0. `jdoe` (Jane Doe): username, primary confirmed email, the default signed-in user; administrator of the
 *    workspaces `acme` and `jdoe` (her personal one);
 * 1. Pat Private: NO username and NO primary email (one unconfirmed address), as after the GDPR changes; no workspace;
 * 2. `mmails` (Max Mails): 12 emails, so the emails list has 2 pages; the primary one is on page 2; 12 workspaces,
 *    `acme` (as a member) the last one, on page 2 at the default page length.
 * @example
 * const mock = await createMockBitbucket({ users: [...DEFAULT_USERS].reverse() });
 */
export const DEFAULT_USERS: readonly MockUser[] = deepFreeze([
  {
    uuid: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}',
    accountId: '5c65cab48bcc9e016aeece31',
    username: 'jdoe',
    nickname: 'Jane Doe',
    displayName: 'Jane Doe',
    emails: [
      { email: 'jane@example.com', primary: true, confirmed: true },
      { email: 'jane.doe@work.example.com', primary: false, confirmed: true },
    ],
    workspaces: [
      { ...ACME, administrator: true },
      { slug: 'jdoe', uuid: '{2c9e4b71-3a5d-4f8e-b6c0-d1e2f3a4b5c6}', name: 'Jane Doe', administrator: true },
    ],
    dc: { id: 1, name: 'jdoe', slug: 'jdoe', emailAddress: 'jane@example.com' },
  },
  {
    uuid: '{0b1c2d3e-4f50-4617-a283-94a5b6c7d8e9}',
    accountId: '557058:2f8b7e3a-6c1d-4e5f-9a0b-1c2d3e4f5a6b',
    nickname: 'pat',
    displayName: 'Pat Private',
    emails: [{ email: 'pat@example.net', primary: false, confirmed: false }],
    dc: { id: 2, name: 'ppat', slug: 'ppat' },
  },
  {
    uuid: '{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}',
    accountId: '60d5ec49f1a2b3c4d5e6f7a8',
    username: 'mmails',
    nickname: 'Max',
    displayName: 'Max Mails',
    emails: manyEmails(),
    workspaces: manyWorkspaces(),
    dc: { id: 3, name: 'mmails', slug: 'mmails', emailAddress: 'max.mails+11@example.org' },
  },
]);

/** A deep copy of the default users, for one mock instance. */
export function cloneDefaultUsers(): MockUser[] {
  return DEFAULT_USERS.map((u) => structuredClone(u));
}

/**
 * Finds a user by index, username, uuid or account id, else by nickname: a user without a username (Pat Private,
 * `pat`) is still selectable by a short name.
 */
export function findUser(users: readonly MockUser[], key: number | string): MockUser | undefined {
  if (typeof key === 'number') return users[key];
  return (
    users.find((u) => u.username === key || u.uuid === key || u.accountId === key) ??
    users.find((u) => u.nickname === key)
  );
}

/** How a user is selected with `mock_user`: the username, else the nickname. */
export function userSelector(user: MockUser): string {
  return user.username ?? user.nickname;
}

/** The "Unknown mock user" message: what was asked for, and the users that can be chosen instead. */
export function unknownUserMessage(users: readonly MockUser[], named: string): string {
  const choices = users.map((u) => `${userSelector(u)} (${u.displayName})`).join(', ');
  return `No mock user is ${named}. Choose one with mock_user: ${choices}; a uuid or an account id works too.`;
}

/** The Data Center identity of a user; users without `dc` get one derived from their Cloud fields. */
export function dcIdentity(users: readonly MockUser[], user: MockUser): MockDataCenterUser {
  if (user.dc) return user.dc;
  const name = user.username ?? user.accountId;
  const primary = user.emails.find((e) => e.primary);
  return {
    id: 1000 + users.indexOf(user),
    name,
    slug: name.toLowerCase(),
    ...(primary ? { emailAddress: primary.email } : {}),
  };
}

/** Finds the user whose Data Center slug is `slug`. */
export function findDcUser(users: readonly MockUser[], slug: string): MockUser | undefined {
  return users.find((u) => dcIdentity(users, u).slug === slug);
}

/** URL of the mock's SVG avatar for a user. */
export function avatarPath(user: MockUser): string {
  return `/avatars/${encodeURIComponent(user.accountId)}.svg`;
}
