import { excerpt } from '../errors';
import { isObject } from '../parse/narrow';

/** Longest callback parameter accepted; Bitbucket's codes, tokens and states are far shorter. */
export const MAX_CALLBACK_PARAM_LENGTH = 2048;

/**
 * Finds a callback parameter that no honest redirect carries: repeated (`?code=a&code=b` parses to a
 * list), nested (`?code[x]=1`) or oversized. Returns a message for `fail()`, or `null` when all is well.
 */
export function malformedCallbackParam(source: unknown, names: readonly string[]): string | null {
  if (!isObject(source)) return null;
  for (const name of names) {
    const value = source[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return mustAppearOnce(name);
    if (value.length > MAX_CALLBACK_PARAM_LENGTH) return `Malformed callback: "${name}" is too long`;
  }
  // NOTE: Koa's and Fastify's query parsers keep `code[]=x` as a key named "code[]" (Express's makes it a list):
  // passport would then see no code at all and start a new sign-in instead of refusing the callback.
  // Only the keys of a parsed query or form: a raw body (a Buffer) would have one per byte.
  if (!isPlainObject(source)) return null;
  for (const key in source) {
    const bracket = key.indexOf('[');
    if (bracket > 0 && names.includes(key.slice(0, bracket))) return mustAppearOnce(key.slice(0, bracket));
  }
  return null;
}

/** An object literal or a null-prototype object, as query and form parsers make them. */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The message for a parameter given more than once, or not as plain text. */
function mustAppearOnce(name: string): string {
  return `Malformed callback: "${name}" must appear once, as text`;
}

/** A parameter of the callback as a string, or `undefined`. */
export function callbackParam(source: unknown, name: string): string | undefined {
  if (!isObject(source)) return undefined;
  const value = source[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The message a user sees when Bitbucket sends them back with an error instead of a grant.
 * The description is Bitbucket's (or an attacker's) text: shortened, one line, never HTML-rendered by us.
 */
export function providerErrorMessage(error: string, description: string | undefined): string {
  if (error === 'access_denied' || error === 'permissions_denied') {
    return 'You did not allow access to your Bitbucket account.';
  }
  const detail = description ? `: ${excerpt(description)}` : '';
  return `Bitbucket did not authorize the sign-in (${excerpt(error, 64)})${detail}`;
}

/**
 * What a user reads when Bitbucket sends them back with an error. Bitbucket's own text is shown only
 * when the callback belongs to a sign-in this browser started.
 * NOTE: anyone can link a victim to `/callback?error=server_error&error_description=<any text>`; without
 * this check the login page would show the attacker's words as Bitbucket's.
 */
export function callbackErrorMessage(matched: boolean, error: string, description: string | undefined): string {
  if (!matched) {
    return 'Bitbucket did not complete a sign-in started in this browser. Please sign in again.';
  }
  return providerErrorMessage(error, description);
}
