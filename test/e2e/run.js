'use strict';
/**
 * Browser test of examples/login (`make e2e`): real Chromium, the real example server as a child
 * process (`node examples/login/dist/server.js`, mock mode, random port), clicking through the mock
 * Bitbucket's consent page like a person would.
 *
 * Prints one line per scenario (`ok N - …` / `not ok N - …`), exits non-zero on any failure, and
 * stops by itself: browser, server and mock are closed, and the whole run is capped at 120 s.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'examples', 'login', 'dist', 'server.js');
const OUTPUT = path.join(__dirname, 'output');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OVERALL_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 15_000;
const SERVER_START_TIMEOUT_MS = 20_000;
const SERVER_STOP_TIMEOUT_MS = 8_000;

/** Fails a scenario with a message that says what was expected. */
function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Resolves after `ms`, or rejects with `message` if `promise` is not settled by then. */
function within(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the example the way `make example` does, in mock mode whatever the caller's environment
 * holds, and reads the app's and the mock's URLs from its banner.
 */
function startServer() {
  const env = { ...process.env, PORT: '0' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('BITBUCKET_') || name === 'CALLBACK_URL' || name === 'SESSION_SECRET') delete env[name];
  }
  const child = spawn(process.execPath, [SERVER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => log.push(chunk));
    child.stdout.on('data', (chunk) => {
      log.push(chunk);
      out += chunk;
      const app = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const mock = /mock Bitbucket at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (app && mock) resolve({ url: app[1], mockURL: mock[1] });
    });
    child.once('error', reject);
    void exited.then(({ code, signal }) =>
      reject(new Error(`server exited early (${code ?? signal}): ${log.join('').trim()}`)),
    );
  });
  return {
    child,
    log,
    exited,
    started: within(started, SERVER_START_TIMEOUT_MS, 'server did not print its banner in time'),
  };
}

/**
 * The scenarios, in order. Cookies are cleared after each one unless `keepSession` (the next one
 * needs the signed-in session), so a failure does not cascade.
 */
function scenarios(page, context, app, mockURL, consoleErrors) {
  const home = `${app}/`;
  const appPages = (url) => url.href.startsWith(app);

  async function grantOnMock() {
    await page.waitForURL((url) => url.href.startsWith(mockURL));
    await page.getByRole('button', { name: 'Grant access' }).click();
  }

  async function expectSignedIn(protocol) {
    await page.waitForURL(home);
    const name = (await page.getByRole('heading', { level: 1 }).textContent())?.trim();
    check(name === 'Jane Doe', `expected the display name "Jane Doe", got ${JSON.stringify(name)}`);
    const text = await page.locator('main').innerText();
    check(text.includes('jane@example.com'), 'expected the email jane@example.com on the page');
    check(text.includes(protocol), `expected "${protocol}" on the page`);
    return text;
  }

  return [
    {
      name: 'OAuth 2.0: "Sign in with Bitbucket" → "Grant access" → signed in as Jane Doe (jane@example.com)',
      keepSession: true,
      run: async () => {
        await page.goto(home);
        await page.getByRole('link', { name: 'Sign in with Bitbucket', exact: true }).click();
        await grantOnMock();
        const text = await expectSignedIn('OAuth 2.0');
        check(/account/.test(text) && /email/.test(text), 'expected the granted scopes account and email');
        check(/in 2 hours/.test(text), 'expected the token expiry "in 2 hours"');
        fs.mkdirSync(OUTPUT, { recursive: true });
        await page.screenshot({ path: path.join(OUTPUT, 'signed-in.png'), fullPage: true });
      },
    },
    {
      name: 'Sign out → signed-out page, session cookie gone',
      run: async () => {
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(home);
        await page.getByRole('link', { name: 'Sign in with Bitbucket', exact: true }).waitFor();
        const cookies = await context.cookies(app);
        check(!cookies.some((c) => c.name === 'bitbucket-example.sid'), 'expected the session cookie to be cleared');
      },
    },
    {
      name: 'OAuth 2.0: "Deny" → /login/failed says "You did not allow access to your Bitbucket account."',
      run: async () => {
        await page.goto(home);
        await page.getByRole('link', { name: 'Sign in with Bitbucket', exact: true }).click();
        await page.waitForURL((url) => url.href.startsWith(mockURL));
        await page.getByRole('button', { name: 'Deny' }).click();
        await page.waitForURL(`${app}/login/failed`);
        const message = (await page.getByRole('alert').textContent())?.trim();
        check(
          message === 'You did not allow access to your Bitbucket account.',
          `unexpected failure message ${JSON.stringify(message)}`,
        );
      },
    },
    {
      name: 'OAuth 1.0a: "Sign in with Bitbucket (OAuth 1.0a)" → "Grant access" → signed in',
      run: async () => {
        await page.goto(home);
        await page.getByRole('link', { name: 'Sign in with Bitbucket (OAuth 1.0a)' }).click();
        await grantOnMock();
        await expectSignedIn('OAuth 1.0a');
      },
    },
    {
      name: 'returnTo=//evil.example is ignored (lands on the app), returnTo=/?from=e2e is honoured',
      run: async () => {
        await page.goto(`${app}/auth/bitbucket?returnTo=${encodeURIComponent('//evil.example')}`);
        await grantOnMock();
        await page.waitForURL(appPages);
        check(page.url() === home, `expected ${home}, landed on ${page.url()}`);
        await page.goto(`${app}/auth/bitbucket?returnTo=${encodeURIComponent('/?from=e2e')}`);
        await grantOnMock();
        await page.waitForURL(appPages);
        check(page.url() === `${app}/?from=e2e`, `expected ${app}/?from=e2e, landed on ${page.url()}`);
      },
    },
    {
      name: 'two tabs: sign-in started in both, granted in the second then the first → both land signed in',
      run: async () => {
        const second = await context.newPage();
        try {
          for (const tab of [page, second]) {
            await tab.goto(home);
            await tab.getByRole('link', { name: 'Sign in with Bitbucket', exact: true }).click();
            await tab.waitForURL((url) => url.href.startsWith(mockURL));
          }
          for (const tab of [second, page]) {
            await tab.getByRole('button', { name: 'Grant access' }).click();
            await tab.waitForURL(home);
            const name = (await tab.getByRole('heading', { level: 1 }).textContent())?.trim();
            check(name === 'Jane Doe', `a tab landed on ${tab.url()} showing ${JSON.stringify(name)}`);
          }
        } finally {
          await second.close();
        }
      },
    },
    {
      name: 'a forged link to the callback in the middle of a sign-in shows our text, and the real sign-in still finishes',
      run: async () => {
        await page.goto(home);
        await page.getByRole('link', { name: 'Sign in with Bitbucket', exact: true }).click();
        await page.waitForURL((url) => url.href.startsWith(mockURL));
        const consent = page.url();
        const forged = await context.newPage();
        try {
          await forged.goto(
            `${app}/auth/bitbucket/callback?error=server_error&error_description=${encodeURIComponent('Call 0800 SCAM now')}`,
          );
          await forged.waitForURL(`${app}/login/failed`);
          const message = (await forged.getByRole('alert').textContent())?.trim() ?? '';
          check(!message.includes('SCAM'), `the forged text reached the page: ${JSON.stringify(message)}`);
        } finally {
          await forged.close();
        }
        await page.goto(consent);
        await grantOnMock();
        await expectSignedIn('OAuth 2.0');
      },
    },
    {
      name: "no console errors on the app pages (CSP allows the page's own stylesheet)",
      run: async () => {
        const distinct = [...new Set(consoleErrors)];
        check(
          distinct.length === 0,
          `${consoleErrors.length} console error(s), e.g. ${String(distinct[0]).slice(0, 200)}`,
        );
      },
    },
  ];
}

async function main() {
  const started = Date.now();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitbucket-e2e-'));
  const server = startServer();
  let context;
  let failures = 0;
  let n = 0;
  const report = (ok, name, err) => {
    n += 1;
    if (!ok) failures += 1;
    console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}${err ? `: ${err.message.split('\n')[0]}` : ''}`);
  };

  // Hard stop: whatever hangs, the run ends. Playwright kills its browser when this process exits.
  const deadline = setTimeout(() => {
    console.log(`not ok - the whole run took over ${OVERALL_TIMEOUT_MS / 1000} s; stopping`);
    server.child.kill('SIGKILL');
    fs.rmSync(userDataDir, { recursive: true, force: true });
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);

  try {
    check(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`make e2e\`, which installs Debian's chromium`);
    check(fs.existsSync(SERVER), `${SERVER} is missing: compile the example first (\`make e2e\` does)`);
    const { url, mockURL } = await server.started;
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 800, height: 1000 },
      timeout: 30_000,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && page.url().startsWith(url)) consoleErrors.push(msg.text());
    });

    for (const { name, run, keepSession } of scenarios(page, context, url, mockURL, consoleErrors)) {
      try {
        await run();
        report(true, name);
      } catch (err) {
        report(false, name, err);
      }
      if (!keepSession) await context.clearCookies();
    }

    await context.close();
    context = undefined;

    // Graceful shutdown: SIGTERM must close the app server AND the mock, and the process exit 0.
    const shutdownName = 'SIGTERM stops the app and the mock Bitbucket; exit code 0';
    try {
      server.child.kill('SIGTERM');
      const { code, signal } = await within(
        server.exited,
        SERVER_STOP_TIMEOUT_MS,
        'server still running after SIGTERM',
      );
      check(code === 0, `server exited with ${code ?? signal}`);
      const mockDown = await fetch(mockURL).then(
        () => false,
        () => true,
      );
      check(mockDown, 'the mock Bitbucket still answers');
      report(true, shutdownName);
    } catch (err) {
      report(false, shutdownName, err);
    }
  } catch (err) {
    report(false, 'setup', err);
    if (server.log.length) console.log(server.log.join('').trim());
  } finally {
    if (context) await context.close().catch(() => {});
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    fs.rmSync(userDataDir, { recursive: true, force: true });
    clearTimeout(deadline);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`e2e: ${n - failures} passed, ${failures} failed (${seconds} s)`);
  process.exitCode = failures ? 1 : 0;
}

main();
