/**
 * Error logging that cannot leak: the error's name and message only, on one line. No stack (it is
 * noise for operators of an example) and no error object (HTTP errors may carry headers or bodies).
 */
export function logError(context: string, err: unknown): void {
  // Duck-typed: errors thrown by Node's own modules may come from another realm (jest), failing instanceof.
  const e = typeof err === 'object' && err !== null ? (err as { name?: unknown; message?: unknown }) : {};
  const name = typeof e.name === 'string' ? e.name : typeof err;
  const message = typeof e.message === 'string' ? e.message : '';
  // Control characters out, so a message from Bitbucket cannot forge extra log lines.
  // eslint-disable-next-line no-control-regex
  console.error(`[${context}] ${name}: ${message}`.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 500));
}
