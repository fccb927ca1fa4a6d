import { BitbucketAPIError } from '../errors';

/** A JSON object (not an array, not null). */
export type JSONObject = Record<string, unknown>;

/** True for a plain JSON object. */
export function isObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, or `undefined` for anything else. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An absolute http(s) URL, or `undefined`: a profile never carries `javascript:` or other schemes. */
export function optionalHttpURL(value: unknown, base?: string): string | undefined {
  const text = optionalString(value);
  if (text === undefined) return undefined;
  try {
    const url = new URL(text, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The error for a body that is not what Bitbucket documents, with panva-style exact wording. */
export function invalidResponse(what: string, status: number | null = null, url?: string): BitbucketAPIError {
  return new BitbucketAPIError(`Bitbucket response ${what}`, {
    code: 'invalid_response',
    status,
    ...(url ? { url } : {}),
  });
}

/** Requires a JSON object. */
export function requireObject(value: unknown, what = 'body'): JSONObject {
  if (!isObject(value)) throw invalidResponse(`${what} must be a JSON object`);
  return value;
}

/** Parses text as JSON, turning a syntax error into a typed error. */
export function parseJSON(text: string, status: number | null = null, url?: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidResponse('body is not valid JSON', status, url);
  }
}

/** A list of strings, or `undefined` when the value is not one. */
export function optionalStringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/**
 * ASCII letters lower-cased, every other character as it is: for comparing names Bitbucket treats without case.
 * NOTE: `toLowerCase()` folds full Unicode: "\u212A" (KELVIN SIGN) becomes "k", so a workspace or a user named
 * with look-alike letters would pass for another one.
 */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
