/**
 * The callback's calls warmed up at construction (issue 22): building the first strategy of a protocol and
 * deployment runs one whole callback's calls (the token request, then the profile reads) through Node's HTTP
 * client and this package's transport, on connections that never leave the process. Seen from outside: the
 * ClientRequests Node creates (async_hooks), no socket, no DNS lookup, nothing left running after the next
 * event-loop turn, and nothing at all when anyone could see it (DEBUG, our channels, Node's HTTP client channels,
 * an instrumented `http.request`).
 */
import { createHook, executionAsyncId } from 'node:async_hooks';
import * as dc from 'node:diagnostics_channel';
import * as http from 'node:http';
import createDebug from 'debug';
import { freshLib, type Lib } from '../support/fresh-lib';

const verify = (...args: unknown[]): void => {
  (args.at(-1) as (err: null, user: object) => void)(null, {});
};
const CALLBACK = 'http://127.0.0.1:3000/auth/bitbucket/callback';
type Build = (lib: Lib) => object;
const builds: Record<string, Build> = {
  'OAuth 2.0, Cloud': (lib) =>
    new lib.BitbucketOAuth2Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: CALLBACK }, verify),
  'OAuth 2.0, Data Center': (lib) =>
    new lib.BitbucketOAuth2Strategy(
      { clientID: 'id', clientSecret: 'secret', callbackURL: CALLBACK, baseURL: 'https://bitbucket.example.com' },
      verify,
    ),
  'OAuth 1.0a, Cloud': (lib) =>
    new lib.BitbucketStrategy({ consumerKey: 'key', consumerSecret: 'secret', callbackURL: CALLBACK }, verify),
  'OAuth 1.0a, Data Center': (lib) =>
    new lib.BitbucketStrategy(
      { consumerKey: 'key', consumerSecret: 'secret', callbackURL: CALLBACK, baseURL: 'https://bitbucket.example.com' },
      verify,
    ),
};

/**
 * The async resources `run` creates (building strategies) until the next immediate, by type, and how many of its
 * timers are still pending then. Only what descends from this test's own context counts: the test runner's or an
 * earlier test file's timers firing in between (Jest reuses its worker processes) are someone else's.
 */
async function resourcesDuring(run: () => unknown): Promise<{ counts: Record<string, number>; pendingTimers: number }> {
  const counts: Record<string, number> = {};
  const timers: { _destroyed?: boolean }[] = [];
  const ours = new Set([executionAsyncId()]);
  const hook = createHook({
    init(id, type, trigger, resource) {
      if (!ours.has(trigger)) return;
      ours.add(id);
      counts[type] = (counts[type] ?? 0) + 1;
      if (type === 'Timeout') timers.push(resource);
    },
  }).enable();
  try {
    run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    hook.disable();
  }
  // NOTE: `_destroyed` is how Node marks a timer cleared or fired; no public API tells.
  return { counts, pendingTimers: timers.filter((timer) => timer._destroyed !== true).length };
}

const NETWORK = ['TCPWRAP', 'TCPCONNECTWRAP', 'GETADDRINFOREQWRAP', 'TLSWRAP', 'PIPEWRAP'];

describe.each(Object.entries(builds))('%s', (_kind, build) => {
  it('runs the token call and the profile calls once, in memory, over before the next event-loop turn', async () => {
    const lib = freshLib();
    const { counts: first, pendingTimers } = await resourcesDuring(() => build(lib));
    // Token, then user + emails (Cloud) or whoami + user (Data Center): the profile calls only follow a token.
    expect(first.HTTPCLIENTREQUEST).toBe(3);
    for (const type of NETWORK) expect(first[type]).toBeUndefined();
    // Nothing of the warm-up is left: its calls' deadlines (one timer each) are cleared, and it opened no socket
    // (above).
    expect(first.Timeout).toBeGreaterThanOrEqual(3);
    expect(pendingTimers).toBe(0);
    // Once per process: the second strategy of the same kind warms nothing up.
    const { counts: second } = await resourcesDuring(() => build(lib));
    expect(second.HTTPCLIENTREQUEST).toBeUndefined();
  });
});

describe('the warm-up is skipped when anyone could see it', () => {
  const build: Build = (lib) =>
    new lib.BitbucketOAuth2Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: CALLBACK }, verify);

  it('with a subscriber to Node’s HTTP client channel, who sees nothing', async () => {
    const seen: unknown[] = [];
    const onRequest = (message: unknown): void => void seen.push(message);
    dc.subscribe('http.client.request.start', onRequest);
    try {
      const lib = freshLib();
      expect((await resourcesDuring(() => build(lib))).counts.HTTPCLIENTREQUEST).toBeUndefined();
      expect(seen).toEqual([]);
    } finally {
      dc.unsubscribe('http.client.request.start', onRequest);
    }
  });

  it('with a subscriber to the token channel, which receives no event', async () => {
    const starts: unknown[] = [];
    const token = dc.tracingChannel('passport-bitbucket-oauth:token');
    const record = (m: unknown): void => void starts.push(m);
    const handlers = { start: record, end: record, asyncStart: record, asyncEnd: record, error: record };
    token.subscribe(handlers);
    try {
      const lib = freshLib();
      expect((await resourcesDuring(() => build(lib))).counts.HTTPCLIENTREQUEST).toBeUndefined();
      expect(starts).toEqual([]);
    } finally {
      token.unsubscribe(handlers);
    }
  });

  it('with DEBUG on for this package, which logs nothing', async () => {
    const lines: string[] = [];
    const log = jest
      .spyOn(createDebug, 'log')
      .mockImplementation((...args: unknown[]) => void lines.push(String(args)));
    const previous = createDebug.disable();
    createDebug.enable('passport-bitbucket-oauth*');
    try {
      const lib = freshLib();
      expect((await resourcesDuring(() => build(lib))).counts.HTTPCLIENTREQUEST).toBeUndefined();
      expect(lines).toEqual([]);
    } finally {
      createDebug.disable();
      if (previous) createDebug.enable(previous);
      log.mockRestore();
    }
  });

  it.each(Object.entries(builds))(
    '%s: a subscriber or DEBUG switched on right after the strategy is built sees nothing of it either',
    async (_name, buildOne) => {
      const events: unknown[] = [];
      const record = (m: unknown): void => void events.push(m);
      const handlers = { start: record, end: record, asyncStart: record, asyncEnd: record, error: record };
      const channels = ['token', 'api'].map((name) => dc.tracingChannel(`passport-bitbucket-oauth:${name}`));
      const lines: string[] = [];
      const log = jest
        .spyOn(createDebug, 'log')
        .mockImplementation((...args: unknown[]) => void lines.push(String(args)));
      const previous = createDebug.disable();
      try {
        const lib = freshLib();
        // In the same synchronous block as the constructor: the rehearsal's steps run after it.
        const { counts } = await resourcesDuring(() => {
          const strategy = buildOne(lib);
          for (const channel of channels) channel.subscribe(handlers);
          createDebug.enable('passport-bitbucket-oauth*');
          return strategy;
        });
        expect(counts.HTTPCLIENTREQUEST).toBeGreaterThan(0); // it did run
        expect(events).toEqual([]);
        expect(lines).toEqual([]);
      } finally {
        for (const channel of channels) channel.unsubscribe(handlers);
        createDebug.disable();
        if (previous) createDebug.enable(previous);
        log.mockRestore();
      }
    },
  );

  it('with `http.request` wrapped by an APM, which is never called', async () => {
    // The module object itself, as an APM's instrumentation patches it (not this file's import of it).
    const httpModule = jest.requireActual<{ request: typeof http.request }>('node:http');
    const original = httpModule.request;
    const wrapped = jest.fn((...args: Parameters<typeof http.request>) => original(...args));
    httpModule.request = wrapped as unknown as typeof http.request;
    try {
      const lib = freshLib();
      expect((await resourcesDuring(() => build(lib))).counts.HTTPCLIENTREQUEST).toBeUndefined();
      expect(wrapped).not.toHaveBeenCalled();
    } finally {
      httpModule.request = original;
    }
  });
});
