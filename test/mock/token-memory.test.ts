/**
 * The mock forgets what nobody will use again: it remembers the newest MAX_REMEMBERED codes and tokens of each kind,
 * so a mock that runs for hours (the CLI under an e2e suite) does not grow by every sign-in it served.
 */
import { MAX_REMEMBERED, MockStore } from '../../lib/testing/users/store';
import { DEFAULT_USERS } from '../../lib/testing/users/users';

const grant = { clientId: 'c', family: 'cloud' as const, user: DEFAULT_USERS[0]!, scopes: ['account'] };

it('keeps the newest access and refresh tokens, and forgets the oldest past the limit', () => {
  const store = new MockStore();
  const first = store.issueTokens(grant, true);
  let last = first;
  for (let i = 0; i < MAX_REMEMBERED; i++) last = store.issueTokens(grant, true);
  expect(store.accessTokens.size).toBe(MAX_REMEMBERED);
  expect(store.refreshTokens.size).toBe(MAX_REMEMBERED);
  expect(store.accessTokens.has(first.accessToken)).toBe(false);
  expect(store.refreshTokens.has(first.refreshToken!)).toBe(false);
  expect(store.accessTokens.get(last.accessToken)?.user).toBe(grant.user);
  expect(store.refreshTokens.has(last.refreshToken!)).toBe(true);
});

it('bounds the OAuth 1.0a tokens and request tokens alike', () => {
  const store = new MockStore();
  for (let i = 0; i <= MAX_REMEMBERED; i++) {
    store.requestTokens.set(`r${i}`, { consumerKey: 'k', secret: 's', callback: 'oob', family: 'cloud' });
  }
  expect(store.requestTokens.size).toBe(MAX_REMEMBERED);
  expect(store.requestTokens.has('r0')).toBe(false);
  expect(store.requestTokens.has(`r${MAX_REMEMBERED}`)).toBe(true);
});
