import { parseTokenResponse } from 'passport-bitbucket-oauth';
import { fixture } from '../fixtures/load';
import { expectInvalid } from './helpers';

/**
 * The facts elide the token values as `…`, a character no header can carry (and parseTokenResponse
 * refuses, as tested below); these stand-ins have the shape of real tokens.
 */
const ACCESS = 'at-ZXhhbXBsZQ_example-0123456789';
const REFRESH = 'rt-ZXhhbXBsZQ_example-9876543210';
function withTokens(name: string): unknown {
  const json = fixture(name).json as Record<string, unknown>;
  return { ...json, access_token: ACCESS, refresh_token: REFRESH };
}

describe('parseTokenResponse on the Cloud token response obtained from bitbucket-facts.md (November 2026)', () => {
  it('reads `scopes` (before 2026-05-04) into scopes and params.scope, and keeps the refresh token out of params', () => {
    expect(parseTokenResponse(withTokens('cloud-token.facts-2026-11.json'))).toEqual({
      accessToken: ACCESS,
      refreshToken: REFRESH,
      expiresIn: 7200,
      scopes: ['account', 'email'],
      params: {
        access_token: ACCESS,
        scopes: 'account email',
        scope: 'account email',
        expires_in: 7200,
        token_type: 'bearer',
        state: 'authorization_code',
      },
    });
  });
});

describe('parseTokenResponse on tokens that cannot travel in a header', () => {
  it('refuses the facts file verbatim: its elided token `…` is not header-safe', () => {
    expectInvalid(
      () => parseTokenResponse(fixture('cloud-token.facts-2026-11.json').json),
      'Bitbucket response token body "access_token" property has characters a header cannot carry',
    );
  });

  it('refuses spaces, CR and LF in the access token and in the refresh token', () => {
    for (const bad of ['a b', 'a\r\nX-Injected: 1', 'tab\there']) {
      expectInvalid(
        () => parseTokenResponse({ access_token: bad }),
        'Bitbucket response token body "access_token" property has characters a header cannot carry',
      );
      expectInvalid(
        () => parseTokenResponse({ access_token: 'ok', refresh_token: bad }),
        'Bitbucket response token body "refresh_token" property must be a non-empty string',
      );
    }
  });
});

describe('parseTokenResponse on the Data Center token response obtained from bitbucket-facts.md (November 2026)', () => {
  it('reads scope, the 3600 s lifetime and the refresh token', () => {
    expect(parseTokenResponse(withTokens('datacenter-token.facts-2026-11.json'))).toEqual({
      accessToken: ACCESS,
      refreshToken: REFRESH,
      expiresIn: 3600,
      scopes: ['PUBLIC_REPOS'],
      params: { scope: 'PUBLIC_REPOS', access_token: ACCESS, token_type: 'bearer', expires_in: 3600 },
    });
  });
});

describe('parseTokenResponse on other answers', () => {
  it('reads `scope` (since 2026-05-04) the same way', () => {
    const token = parseTokenResponse({ access_token: 'a', scope: 'account email', token_type: 'bearer' });
    expect(token.scopes).toEqual(['account', 'email']);
    expect(token.params.scope).toBe('account email');
  });

  it('prefers `scope` when both are there, and splits on commas as well as spaces', () => {
    expect(parseTokenResponse({ access_token: 'a', scope: 'account,email', scopes: 'wiki' }).scopes).toEqual([
      'account',
      'email',
    ]);
  });

  it('gives no scopes when neither field is there', () => {
    const token = parseTokenResponse({ access_token: 'a' });
    expect(token.scopes).toEqual([]);
    expect(token.params).toEqual({ access_token: 'a', scope: '' });
  });

  it('reads expires_in sent as a string of digits', () => {
    const token = parseTokenResponse({ access_token: 'a', expires_in: '3600' });
    expect(token.expiresIn).toBe(3600);
    expect(token.params.expires_in).toBe(3600);
  });

  it('drops an expires_in that is not a non-negative number', () => {
    for (const expires_in of ['soon', -5, null, '1e3', Number.POSITIVE_INFINITY]) {
      const token = parseTokenResponse({ access_token: 'a', expires_in });
      expect(token.expiresIn).toBeUndefined();
      expect(token.params).not.toHaveProperty('expires_in');
    }
  });

  it('keeps the fields of the body in their order, and a `__proto__` field as data, never as the prototype', () => {
    const body = JSON.parse(
      '{"token_type":"bearer","__proto__":{"polluted":true},"expires_in":60,"access_token":"a","refresh_token":"r","x":1}',
    ) as unknown;
    const { params } = parseTokenResponse(body);
    expect(Object.keys(params)).toEqual(['token_type', '__proto__', 'expires_in', 'access_token', 'x', 'scope']);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect((params as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(params, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('rounds a fractional expires_in down', () => {
    expect(parseTokenResponse({ access_token: 'a', expires_in: 7199.9 }).expiresIn).toBe(7199);
  });

  it('accepts token_type Bearer in any case, or none', () => {
    expect(parseTokenResponse({ access_token: 'a', token_type: 'Bearer' }).accessToken).toBe('a');
    expect(parseTokenResponse({ access_token: 'a' }).accessToken).toBe('a');
  });

  it('rejects token_type mac', () => {
    expectInvalid(
      () => parseTokenResponse({ access_token: 'a', token_type: 'mac' }),
      'Bitbucket response token body "token_type" property must be "bearer"',
    );
  });

  it('rejects a missing or empty access_token', () => {
    const message = 'Bitbucket response token body "access_token" property must be a non-empty string';
    expectInvalid(() => parseTokenResponse({ token_type: 'bearer', refresh_token: 'r' }), message);
    expectInvalid(() => parseTokenResponse({ access_token: '' }), message);
    expectInvalid(() => parseTokenResponse({ access_token: 12345 }), message);
  });

  it('rejects a refresh_token that is a number, and accepts a null one as none', () => {
    expectInvalid(
      () => parseTokenResponse({ access_token: 'a', refresh_token: 42 }),
      'Bitbucket response token body "refresh_token" property must be a non-empty string',
    );
    expect(parseTokenResponse({ access_token: 'a', refresh_token: null }).refreshToken).toBeUndefined();
  });

  it('has no refresh token for client_credentials (none sent)', () => {
    expect(parseTokenResponse({ access_token: 'a', state: 'client_credentials' }).refreshToken).toBeUndefined();
  });

  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'a']) {
      expectInvalid(() => parseTokenResponse(body), 'Bitbucket response token body must be a JSON object');
    }
  });
});
