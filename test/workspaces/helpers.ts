/**
 * Shared set-up of the workspace tests: an OAuth 2.0 strategy on the mock with workspace options, whose verify
 * callback records each profile, and users with many workspaces.
 */
import {
  BitbucketOAuth2Strategy,
  type BitbucketOAuth2StrategyOptions,
  type BitbucketProfile,
} from 'passport-bitbucket-oauth';
import {
  DEFAULT_USERS,
  type MockBitbucket,
  type MockBitbucketOptions,
  type MockUser,
  type MockWorkspace,
} from 'passport-bitbucket-oauth/testing';
import type { TestAppOptions } from '../support/app';
import { cloudOptions, useHarness, type Harness } from '../oauth2/helpers';

/** The message a user outside every allowed workspace gets (it names none of them). */
export const DENIED = 'Your Bitbucket account has no access to a workspace allowed to sign in here.';

/** The mock's shared workspace `acme` (lib/testing/users.ts): Jane administers it, Max is a member (on page 2). */
export const ACME_UUID = '{5f1c6a2e-8d4b-4c3a-9e7f-0a1b2c3d4e5f}';

/** A harness plus the profiles the verify callback received. */
export interface GateHarness extends Harness<BitbucketOAuth2Strategy> {
  verified: BitbucketProfile[];
}

/**
 * One mock and one app for the enclosing `describe`, the strategy built with `options` over the mock's Cloud
 * endpoints. `verified` is emptied before each test.
 */
export function useGate(
  options: Partial<BitbucketOAuth2StrategyOptions> | ((mock: MockBitbucket) => Partial<BitbucketOAuth2StrategyOptions>),
  setup: { mock?: MockBitbucketOptions; app?: TestAppOptions } = {},
): () => GateHarness {
  const verified: BitbucketProfile[] = [];
  const harness = useHarness(
    (mock) =>
      new BitbucketOAuth2Strategy(
        cloudOptions(mock, typeof options === 'function' ? options(mock) : options),
        (_a, _r, profile, done) => {
          verified.push(profile);
          done(null, { id: profile.id, workspaces: profile.workspaces?.map((w) => w.slug) ?? null });
        },
      ),
    setup,
  );
  beforeEach(() => verified.splice(0));
  return () => ({ ...harness(), verified });
}

/** `count` workspaces `team-1` … `team-N`, each with its own uuid. */
export function teams(count: number, from = 1): MockWorkspace[] {
  return Array.from({ length: count }, (_, i) => ({
    slug: `team-${from + i}`,
    uuid: `{00000000-0000-4000-a000-${String(from + i).padStart(12, '0')}}`,
    name: `Team ${from + i}`,
  }));
}

/** A copy of Jane Doe (the default signed-in user) with other workspaces. */
export function janeWith(workspaces: MockWorkspace[]): MockUser {
  return { ...structuredClone(DEFAULT_USERS[0]!), workspaces };
}
