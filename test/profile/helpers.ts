import { BitbucketAPIError } from 'passport-bitbucket-oauth';
import { fixtureObject } from '../fixtures/load';

/** Asserts that parsing throws a BitbucketAPIError `invalid_response` with exactly this message (pure parsers: no status). */
export function expectInvalid(parse: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    parse();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(BitbucketAPIError);
  expect(thrown).toMatchObject({ name: 'BitbucketAPIError', code: 'invalid_response', status: null, message });
}

/** A fixture's JSON object with one change applied (the rest stays as its source gave it). */
export function fixtureWith(name: string, change: (json: Record<string, unknown>) => void): Record<string, unknown> {
  const json = fixtureObject(name);
  change(json);
  return json;
}
