/**
 * A response body as text: UTF-8, unless its bytes say UTF-16.
 *
 * NOTE: a proxy or a debug page that echoes the request in UTF-16 puts a NUL byte beside every ASCII character.
 * Read as UTF-8, an echoed secret is then no longer the secret, so no redaction matches it, while a reader still
 * sees it, one letter after the other. JSON and HTML never hold a NUL byte: a body with one is decoded as UTF-16,
 * by its byte-order mark, else its `charset`, else where the NULs stand. A body without NUL or BOM (every
 * Bitbucket answer) costs one `indexOf`.
 */
export function decodeBody(bytes: Buffer, contentType: () => string | undefined): string {
  const bom = byteOrderMark(bytes);
  if (bom === null && bytes.indexOf(0) < 0) return bytes.toString('utf8');
  const encoding = bom ?? utf16Charset(contentType()) ?? sniffUTF16(bytes);
  if (encoding === 'utf-16le') return bytes.toString('utf16le', bom === null ? 0 : 2);
  if (encoding === 'utf-16be') return swapBytes(bytes.subarray(bom === null ? 0 : 2)).toString('utf16le');
  return bytes.toString('utf8', bom === 'utf-8' ? 3 : 0);
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

function byteOrderMark(bytes: Buffer): Encoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/** The byte order a `Content-Type` names; plain `utf-16` names none (the NULs tell it). */
function utf16Charset(contentType: string | undefined): Encoding | null {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'utf-16le' || charset === 'ucs-2') return 'utf-16le';
  if (charset === 'utf-16be') return 'utf-16be';
  return null;
}

/** UTF-16 by where its NULs stand (after each ASCII character: little-endian; before it: big-endian). */
function sniffUTF16(bytes: Buffer): Encoding {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) even++;
      else odd++;
    }
  }
  const half = bytes.length / 2;
  if (odd >= half / 2 && odd > even) return 'utf-16le';
  if (even >= half / 2 && even > odd) return 'utf-16be';
  return 'utf-8';
}

/** A copy with each pair of bytes swapped (big-endian UTF-16 to little-endian); an odd last byte is dropped. */
function swapBytes(bytes: Buffer): Buffer {
  const swapped = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return swapped.swap16();
}
