#!/usr/bin/env node
/**
 * `passport-bitbucket-oauth-mock`: the mock Bitbucket as a command, for apps tested as a separate process
 * (Playwright, Cypress, an app in another language). It listens until SIGINT or SIGTERM, or until the process
 * that started it exits, then closes the mock (open connections included) and exits 0; a second signal exits at once.
 */
// NOTE: read before anything is loaded: a parent that exits while this process starts up (a test runner that
// crashes, `kill %1` right after `npx … &`) would otherwise be gone already, and the mock would never notice.
const startedBy = process.ppid;

import { createMockBitbucket } from '../mock-bitbucket';
import { parseArgs, UsageError, USAGE, type CliRequest } from './args';
import { banner, describeMock } from './banner';

function fail(message: string, status: number): void {
  process.stderr.write(`passport-bitbucket-oauth-mock: ${message}\n`);
  process.exitCode = status;
}

async function start(request: CliRequest): Promise<void> {
  const mock = await createMockBitbucket(request.options);
  // NOTE: a script that read the first line and closed its end of the pipe makes the next write fail with EPIPE;
  // what the mock prints is for whoever still reads, and a reader gone is no reason to crash.
  process.stdout.on('error', () => undefined);
  process.stdout.write(request.json ? `${JSON.stringify(describeMock(mock))}\n` : banner(mock));
  const now = (): never => process.exit(130);
  let stopping = false;
  // `said`: no line for a parent that is gone, nor after the one line of JSON that `--json` promises.
  const stop = (why: string, said = !request.json): void => {
    if (stopping) return;
    stopping = true;
    process.off('SIGINT', onSIGINT).off('SIGTERM', onSIGTERM);
    process.once('SIGINT', now).once('SIGTERM', now);
    void mock.close().then(() => {
      process.off('SIGINT', now).off('SIGTERM', now);
      if (said) process.stdout.write(`Mock Bitbucket stopped (${why}).\n`);
    });
  };
  // Named handlers, not `stop` itself: Node passes the signal's name and number, which `said` must not receive.
  const onSIGINT = (): void => stop('SIGINT');
  const onSIGTERM = (): void => stop('SIGTERM');
  process.on('SIGINT', onSIGINT).on('SIGTERM', onSIGTERM);
  stopWithParent(() => stop('the process that started it exited', false));
}

/**
 * Calls `stop` once the process that started this one is gone (this one then belongs to another parent).
 * NOTE: `npx` and `npm exec` do not pass SIGTERM on to the command they run: `npx passport-bitbucket-oauth-mock &`
 * then `kill %1` stopped npm and left the mock listening on its port, with no parent, until someone found it.
 */
function stopWithParent(stop: () => void): void {
  if (process.ppid !== startedBy) {
    stop();
    return;
  }
  const watch = setInterval(() => {
    if (process.ppid === startedBy) return;
    clearInterval(watch);
    stop();
  }, 250);
  watch.unref();
}

function main(argv: readonly string[]): void {
  let request: CliRequest;
  try {
    request = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message}\n\n${USAGE}`, 2);
    throw err;
  }
  if (request.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  start(request).catch((err: unknown) => {
    const code = (err as { code?: unknown }).code;
    const { port, host } = request.options;
    if (code === 'EADDRINUSE') fail(`port ${port} on ${host} is in use: choose another with --port`, 1);
    else fail(err instanceof Error ? err.message : String(err), 1);
  });
}

main(process.argv.slice(2));
