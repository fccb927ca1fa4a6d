import { excerpt } from '../errors';
import type { BitbucketProfile } from '../parse/profile-types';
import type { LoginOutcomeMessage } from './channels';
import { endpointOf } from './facts';

/** `redirect to https://bitbucket.org/site/oauth2/authorize: scopes …, PKCE …, redirect_uri …, pending logins …` */
export function describeRedirect(url: string, protocol: 'oauth2' | 'oauth1', pending: number | undefined): string {
  const parts: string[] = [];
  const params = new URL(url).searchParams;
  if (protocol === 'oauth2') {
    const scope = params.get('scope');
    parts.push(scope === null ? "scopes: the consumer's" : `scopes: ${JSON.stringify(excerpt(scope, 200))}`);
    parts.push(`PKCE: ${params.get('code_challenge_method') ?? 'off'}`);
    const back = params.get('redirect_uri');
    parts.push(`redirect_uri: ${back === null ? "the consumer's callback URL" : endpointOf(back)}`);
  }
  if (pending !== undefined) parts.push(`pending logins in the session: ${pending}`);
  return `redirect to ${[endpointOf(url), ...parts].join('; ')}`;
}

/** `profile {id} (cloud): 2 emails, 3 workspaces` */
export function describeProfile(profile: BitbucketProfile): string {
  const emails = plural(profile.emails.length, 'email');
  const why = profile.emailsError ? ` (emails not read: ${excerpt(profile.emailsError.message, 120)})` : '';
  const workspaces = profile.workspaces ? `, ${plural(profile.workspaces.length, 'workspace')}` : '';
  return `profile ${excerpt(profile.id, 80)} (${profile.deployment}): ${emails}${why}${workspaces}`;
}

/** `login succeeded in 41.2 ms: profile {id}` / `login failed (403) in 3 ms: You did not allow access…` */
export function describeOutcome(m: LoginOutcomeMessage, detail = ''): string {
  const took = `in ${m.durationMs} ms`;
  if (m.outcome === 'success') return `login succeeded ${took}: profile ${m.profileId ?? '(not read)'}`;
  if (m.outcome === 'fail') return `login failed (${m.status}) ${took}: ${m.reason ?? '(no message)'}`;
  return `login error ${took}: ${detail}`;
}

/** `1 email`, `2 emails`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
