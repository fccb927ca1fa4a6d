import { excerpt } from '../errors';
import { isObject } from '../narrow';
import type { LoginOutcomeMessage } from './channels';
import { endpointOf } from './facts';

/** `redirect to https://bitbucket.org/site/oauth2/authorize: scopes …, PKCE …, redirect_uri …, pending logins …` */
export function describeRedirect(url: string, protocol: 'oauth2' | 'oauth1', pending: number | undefined): string {
  const parts: string[] = [];
  let params = new URLSearchParams();
  try {
    params = new URL(url).searchParams;
  } catch {
    // a relative or broken URL: the endpoint says so, the details stay empty
  }
  if (protocol === 'oauth2') {
    const scope = params.get('scope');
    parts.push(scope === null ? "scopes: the consumer's" : `scopes: ${JSON.stringify(excerpt(scope, 200))}`);
    parts.push(`PKCE: ${params.get('code_challenge_method') ?? 'off'}`);
    const back = params.get('redirect_uri');
    parts.push(`redirect_uri: ${back === null ? "the consumer's callback URL" : endpointOf(back)}`);
  }
  if (pending !== undefined) parts.push(`pending logins in the session: ${pending}`);
  return `redirect to ${endpointOf(url)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** `profile {id} (cloud): 2 emails, 3 workspaces` */
export function describeProfile(profile: Record<string, unknown>): string {
  const id = typeof profile.id === 'string' ? excerpt(profile.id, 80) : '(no id)';
  const deployment = typeof profile.deployment === 'string' ? profile.deployment : 'unknown deployment';
  const emails = Array.isArray(profile.emails) ? plural(profile.emails.length, 'email') : 'no emails';
  const workspaces = Array.isArray(profile.workspaces) ? `, ${plural(profile.workspaces.length, 'workspace')}` : '';
  const problem = isObject(profile.emailsError) ? profile.emailsError : undefined;
  const why = typeof problem?.message === 'string' ? ` (emails not read: ${excerpt(problem.message, 120)})` : '';
  return `profile ${id} (${deployment}): ${emails}${why}${workspaces}`;
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
