/**
 * A server standing in for a Bitbucket endpoint (or a proxy in front of it) that answers every request with
 * what `answer` makes of it: the redaction tests echo the credentials they were sent, in many encodings.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer: status, content type, body as raw text (sent in UTF-8), or as bytes (any encoding). */
export interface EchoReply {
  status: number;
  type: string;
  body: string | Buffer;
}

/** Listens on 127.0.0.1 (a random port) and answers each request with `answer(request, body)`. */
export async function echoServer(
  answer: (req: http.IncomingMessage, body: string) => EchoReply,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const reply = answer(req, body);
      res.writeHead(reply.status, { 'content-type': reply.type });
      res.end(reply.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
