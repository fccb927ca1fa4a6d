/**
 * What the observability tests listen to: the package's `debug` output (as `DEBUG=passport-bitbucket-oauth*`
 * would print it), every event of its three diagnostics channels, and the bodies of the HTTP answers the
 * process receives (through Node's own `http.client.request.start` channel: nothing of ours is mocked).
 */
import * as dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { format } from 'node:util';
import createDebug from 'debug';

/** One event seen on a channel: which channel, which event, and the message (the context for tracing channels). */
export interface ChannelEvent {
  channel: 'token' | 'api' | 'login';
  event: 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error' | 'publish';
  message: Record<string, unknown>;
  /** A shallow copy taken when the event was published (the context object changes as the call goes on). */
  snapshot: Record<string, unknown>;
}

const TRACING_EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

/**
 * Switches every namespace of the package on for the enclosing `describe` and collects the lines it writes
 * (namespace included, as `debug` formats them), instead of printing them on stderr.
 */
export function captureDebug(): string[] {
  const lines: string[] = [];
  const original = createDebug.log;
  beforeAll(() => {
    createDebug.enable('passport-bitbucket-oauth*');
    createDebug.log = (...args: unknown[]): void => {
      lines.push(format(...args));
    };
  });
  afterAll(() => {
    createDebug.disable();
    createDebug.log = original;
  });
  return lines;
}

/** Subscribes to the token, api and login channels for the enclosing `describe`; returns every event seen. */
export function captureChannels(): ChannelEvent[] {
  const events: ChannelEvent[] = [];
  const record =
    (channel: ChannelEvent['channel'], event: ChannelEvent['event']) =>
    (message: unknown): void => {
      const value = message as Record<string, unknown>;
      events.push({ channel, event, message: value, snapshot: { ...value } });
    };
  const token = dc.tracingChannel('passport-bitbucket-oauth:token');
  const api = dc.tracingChannel('passport-bitbucket-oauth:api');
  const handlers = {
    token: Object.fromEntries(TRACING_EVENTS.map((e) => [e, record('token', e)])),
    api: Object.fromEntries(TRACING_EVENTS.map((e) => [e, record('api', e)])),
    login: record('login', 'publish'),
  };
  beforeAll(() => {
    token.subscribe(handlers.token as never);
    api.subscribe(handlers.api as never);
    dc.subscribe('passport-bitbucket-oauth:login', handlers.login);
  });
  afterAll(() => {
    token.unsubscribe(handlers.token as never);
    api.unsubscribe(handlers.api as never);
    dc.unsubscribe('passport-bitbucket-oauth:login', handlers.login);
  });
  return events;
}

/** The body of every HTTP answer this process received, with the request's target, for the enclosing `describe`. */
export function captureResponses(): { target: string; body: string }[] {
  const bodies: { target: string; body: string }[] = [];
  const onRequest = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    const target = `${String(request.getHeader('host'))}${request.path}`;
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      // NOTE: a client that called setEncoding (supertest does) gets strings.
      response.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
      response.on('end', () => bodies.push({ target, body: Buffer.concat(chunks).toString('utf8') }));
    });
  };
  beforeAll(() => dc.subscribe('http.client.request.start', onRequest));
  afterAll(() => dc.unsubscribe('http.client.request.start', onRequest));
  return bodies;
}

/** The events of one channel, optionally of one event name. */
export function eventsOf(
  events: readonly ChannelEvent[],
  channel: ChannelEvent['channel'],
  event?: ChannelEvent['event'],
): ChannelEvent[] {
  return events.filter((e) => e.channel === channel && (event === undefined || e.event === event));
}
