import type { ServerResponse } from 'node:http';

// NOTE: every body goes as bytes: Node then writes the headers in Latin-1 (as Bitbucket's server does), where a
// string body has them prepended and sent in UTF-8, which sent a non-ASCII X-AUSERNAME encoded twice.

/** Sends a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(Buffer.from(text));
}

/** Sends a plain-text body. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    ...headers,
    'content-length': Buffer.byteLength(text),
  });
  res.end(Buffer.from(text));
}

/** Sends an HTML page; no scripts, no frames, inline styles only. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  });
  res.end(Buffer.from(html));
}

/** Sends a form-encoded body (OAuth 1.0a token responses and Data Center OAuth problems). */
export function sendForm(
  res: ServerResponse,
  status: number,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): void {
  const text = new URLSearchParams(params).toString();
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(Buffer.from(text));
}

/** Answers 302 with a `Location`. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}

/** Bitbucket Cloud's API error envelope. */
export function sendCloudError(
  res: ServerResponse,
  status: number,
  message: string,
  detail?: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { type: 'error', error: { message, ...(detail !== undefined ? { detail } : {}) } }, headers);
}

/** Bitbucket Data Center's REST error body. */
export function sendDcError(res: ServerResponse, status: number, message: string, exceptionName: string | null): void {
  sendJson(res, status, { errors: [{ context: null, message, exceptionName }] });
}

/** Appends query parameters to a URL, keeping the ones it already has. */
export function withQuery(url: string, params: readonly (readonly [string, string])[]): string {
  const u = new URL(url);
  for (const [name, value] of params) u.searchParams.append(name, value);
  return u.toString();
}
