/**
 * Entry point: `node examples/login/dist/server.js` (or `make example`).
 * Without Bitbucket credentials in the environment it starts a mock Bitbucket beside the app.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, readSettings, type AppConfig, type Settings } from './config';
import { logError } from './log';
import { startMock, type MockProviders } from './mock';
import { openSessionStore, type SessionStoreChoice } from './session-store';

/** Loopback only: this is an example, not a hardened server. Put a proxy in front to expose it. */
const HOST = '127.0.0.1';

/** How long open connections get to finish on shutdown before they are cut. */
const SHUTDOWN_GRACE_MS = 3000;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function banner(settings: Settings, config: AppConfig, sessions: SessionStoreChoice): string {
  const lines = [`Bitbucket sign-in example: open ${config.publicURL}`];
  if (config.mockURL) {
    lines.push(
      `MOCK MODE: sign-in goes to a mock Bitbucket at ${config.mockURL}, not bitbucket.org.`,
      'No account needed: click "Grant access" or "Deny" on its consent page.',
      'Set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET to use real Bitbucket (see examples/login/.env.example).',
    );
  } else {
    const where = settings.oauth2?.baseURL ?? settings.oauth1?.baseURL ?? 'Bitbucket Cloud';
    lines.push(`Signing in with ${where}. Callback URLs to register on your consumer:`);
    if (config.oauth2) lines.push(`  OAuth 2.0:  ${config.publicURL}/auth/bitbucket/callback`);
    if (config.oauth1) lines.push(`  OAuth 1.0a: ${config.publicURL}/auth/bitbucket-oauth1/callback`);
  }
  if (config.workspaces)
    lines.push(`Only members of these Bitbucket workspaces sign in: ${config.workspaces.join(', ')}`);
  lines.push(...sessions.banner, 'Press Ctrl+C to stop.');
  const rule = '-'.repeat(Math.max(...lines.map((l) => l.length)));
  return [rule, ...lines, rule].join('\n');
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  for (const warning of settings.warnings) console.warn(`warning: ${warning}`);

  // The mock starts first: the app's config needs its URLs.
  const mock: MockProviders | null = settings.mode === 'mock' ? await startMock(settings.publicURL) : null;
  const server = createServer();
  let port: number;
  let sessions: SessionStoreChoice;
  try {
    sessions = await openSessionStore(settings.redisURL);
  } catch (err) {
    await mock?.mock.close();
    throw err;
  }
  try {
    port = await listen(server, settings.port);
  } catch (err) {
    await Promise.all([mock?.mock.close(), sessions.close()]);
    throw err;
  }
  const publicURL = settings.publicURL ?? `http://${HOST}:${port}`;
  const config: AppConfig = mock
    ? {
        publicURL,
        sessionSecret: settings.sessionSecret,
        oauth2: mock.oauth2,
        oauth1: mock.oauth1,
        mockURL: mock.mock.url,
        workspaces: settings.workspaces,
      }
    : {
        publicURL,
        sessionSecret: settings.sessionSecret,
        oauth2: settings.oauth2,
        oauth1: settings.oauth1,
        workspaces: settings.workspaces,
      };
  // Attached before control returns to the event loop, so no request can arrive before the app is there.
  server.on('request', createApp(config, { sessionStore: sessions.store }));
  console.log(banner(settings, config, sessions));

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      console.log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: shutting down...`);
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    // Idle keep-alive sockets would hold `close()` open forever; busy ones get a grace period.
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    // The session store closes once requests are done with it.
    void Promise.all([closed.then(() => sessions.close()), mock?.mock.close()]).then(() => {
      console.log('Stopped.');
    });
  };
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  // With both servers closed, nothing keeps Node running and the process exits by itself (code 0).
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
  else logError('startup', err);
  process.exitCode = 1;
});
