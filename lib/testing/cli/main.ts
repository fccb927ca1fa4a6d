#!/usr/bin/env node
/**
 * `passport-bitbucket-oauth-mock`: the mock Bitbucket as a command, for apps tested as a separate process
 * (Playwright, Cypress, an app in another language). It listens until SIGINT or SIGTERM, then closes the mock
 * (open connections included) and exits 0; a second signal exits at once.
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
  const stop = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.once('SIGINT', now).once('SIGTERM', now);
    void mock.close().then(() => {
      process.off('SIGINT', now).off('SIGTERM', now);
      if (!request.json) process.stdout.write(`Mock Bitbucket stopped (${signal}).\n`);
    });
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
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
