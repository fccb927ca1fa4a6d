import type { IncomingMessage } from 'node:http';

/** Largest request body the mock reads (1 MiB); larger ones get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown by {@link readBody} when the body is larger than the cap. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('Request body too large.');
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes`.
 * Past the cap the rest of the body is drained and discarded, then the promise rejects.
 */
export function readBody(req: IncomingMessage, maxBytes: number = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Whether the request says its body is `application/x-www-form-urlencoded` (parameters such as charset allowed). */
export function isFormBody(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The body's form parameters, or none when the body is not form-encoded. */
export function formParams(req: IncomingMessage, body: string): URLSearchParams {
  return isFormBody(req) ? new URLSearchParams(body) : new URLSearchParams();
}
