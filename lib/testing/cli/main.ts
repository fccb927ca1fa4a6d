#!/usr/bin/env node
/**
 * `passport-bitbucket-oauth-mock`: the mock Bitbucket as a command, for apps tested as a separate process
 * (Playwright, Cypress, an app in another language). It listens until SIGINT or SIGTERM, or until the process
 * that started it exits, then closes the mock (open connections included) and exits 0; a second signal exits at once.
 */
import { createMockBitbucket } from '../mock-bitbucket';
import { parseArgs, UsageError, USAGE, type CliRequest } from './args';
import { banner, describeMock } from './banner';

function fail(message: string, status: number): void {
  process.stderr.write(`passport-bitbucket-oauth-mock: ${message}\n`);
  process.exitCode = status;
}

async function start(request: CliRequest): Promise<void> {
  const mock = await createMockBitbucket(request.options);
  process.stdout.write(request.json ? `${JSON.stringify(describeMock(mock))}\n` : banner(mock));
  const now = (): never => process.exit(130);
  let stopping = false;
  // `said`: no line for a parent that is gone, whose pipe would only answer EPIPE.
  const stop = (why: string, said = !request.json): void => {
    if (stopping) return;
    stopping = true;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.once('SIGINT', now).once('SIGTERM', now);
    void mock.close().then(() => {
      process.off('SIGINT', now).off('SIGTERM', now);
      if (said) process.stdout.write(`Mock Bitbucket stopped (${why}).\n`);
    });
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  stopWithParent(() => stop('the process that started it exited', false));
}

/**
 * Calls `stop` once the process that started this one is gone (this one then belongs to another parent).
 * NOTE: `npx` and `npm exec` do not pass SIGTERM on to the command they run: `npx passport-bitbucket-oauth-mock &`
 * then `kill %1` stopped npm and left the mock listening on its port, with no parent, until someone found it.
 */
function stopWithParent(stop: () => void): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
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
