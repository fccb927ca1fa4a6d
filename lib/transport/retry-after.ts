/**
 * `Retry-After` in seconds: delay-seconds, or an HTTP-date (RFC 9110 §10.2.3); `null` when absent or unreadable.
 * NOTE: `Number()` would read an empty header as 0 ("retry now") and accept `1e3` or `0x10`.
 */
export function retryAfterSeconds(header: string | string[] | undefined): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
