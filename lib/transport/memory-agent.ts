import * as diagnostics from 'node:diagnostics_channel';
import * as http from 'node:http';
import { Duplex } from 'node:stream';

/** What `answer` gives for a request path (query included): a `200` with a JSON body, and headers if any. */
export type MemoryAnswer = (path: string) => { body: string; headers?: Record<string, string> };

/**
 * A keep-alive agent whose connections never leave the process: each request it carries is answered at once,
 * from `answer`. For the warm-up at construction (`oauth2/warm-up.ts`), which runs the callback's calls through
 * Node's HTTP client and ours without any I/O. `destroy()` it when done.
 */
export function memoryAgent(answer: MemoryAnswer): http.Agent {
  const agent = new http.Agent({ keepAlive: true });
  Object.defineProperty(agent, 'createConnection', { value: () => memorySocket(answer) });
  return agent;
}

/**
 * Whether a request through {@link memoryAgent} would be seen by anyone but us: a subscriber to Node's own HTTP
 * client channels, or an `http.request` that is not Node's (an APM's wrapper, which would record a span).
 */
export function httpClientObserved(): boolean {
  return (
    diagnostics.hasSubscribers('http.client.request.start') ||
    diagnostics.hasSubscribers('http.client.response.finish') ||
    !Function.prototype.toString.call(http.request).includes('new ClientRequest(')
  );
}

/** The socket side: collects one request at a time and pushes its answer as soon as the request is complete. */
function memorySocket(answer: MemoryAnswer): Duplex {
  let received = '';
  const socket = new Duplex({
    read() {
      // Answers are pushed when a request is complete.
    },
    // Strings written to it arrive as Buffers (`decodeStrings`, on by default).
    write(chunk: Buffer, _encoding, callback) {
      received += chunk.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, headEnd))?.[1];
      if (headEnd >= 0 && received.length - headEnd - 4 >= Number(length ?? 0)) {
        const path = received.split(' ', 2)[1] ?? '/';
        received = '';
        const { body, headers = {} } = answer(path);
        const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
        socket.push(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
            `${extra.join('')}Connection: keep-alive\r\n\r\n${body}`,
        );
      }
      callback();
    },
  });
  // What Node's HTTP client and agent call on a `net.Socket`.
  const chain = (): Duplex => socket;
  Object.assign(socket, { setKeepAlive: chain, setNoDelay: chain, setTimeout: chain, ref: chain, unref: chain });
  return socket;
}
