import { optionalString } from './narrow';

/**
 * The user name whoami gives: `X-AUSERNAME` (whose presence shows the token was accepted), read as whoami's body
 * states it when the body agrees with one of the header's readings.
 * NOTE: the header's encoding is undocumented: Bitbucket or a proxy may percent-encode it (`jane.doe%40corp`), and
 * Node reads its bytes as Latin-1. Decoding a raw header is ambiguous: a user NAMED `%61dmin` (or `jÃ¼rgen`) would
 * read as `admin` (or `jürgen`), someone else. The body, text/plain, carries the name unencoded: a header reading
 * that equals it is the name. A server that writes the header in ISO-8859-1 (Tomcat's default) sends `??` for
 * `山田`: the body is the name when the header is its Latin-1 form with `?` for what Latin-1 lacks. Without a body
 * that agrees (an empty one, an old server), the header is decoded as before: valid percent-encoding, then UTF-8
 * bytes.
 */
export function whoamiUsername(header: unknown, body: string): string | undefined {
  const value = optionalString(Array.isArray(header) ? (header as unknown[])[0] : header)?.trim();
  if (value === undefined) return undefined;
  const stated = body.trim();
  const readings = [value, utf8Read(value), decodeHeaderValue(value)];
  if (stated !== '' && (readings.includes(stated) || latin1Form(stated) === value)) return stated;
  return decodeHeaderValue(value);
}

/**
 * The header's most likely reading: valid percent-encoding decoded (anything else, the raw name included, taken as
 * it is), then bytes read as UTF-8 when they are valid UTF-8 (`jürgen` sent as the bytes C3 BC), as Latin-1 text
 * almost never is.
 */
function decodeHeaderValue(value: string): string {
  try {
    return utf8Read(decodeURIComponent(value));
  } catch {
    return utf8Read(value);
  }
}

/** `text` as a Latin-1 header carries it: every character beyond U+00FF becomes `?`. */
function latin1Form(text: string): string {
  return text.replace(/[\u0100-\u{10ffff}]/gu, '?');
}

/** Header text whose characters are bytes (Latin-1) read as UTF-8 when they are valid UTF-8 beyond ASCII. */
function utf8Read(text: string): string {
  // eslint-disable-next-line no-control-regex -- any character beyond ASCII
  if (!/[^\x00-\x7f]/.test(text) || /[^\x00-\xff]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const decoded = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoded.decode(bytes);
  } catch {
    return text;
  }
}
