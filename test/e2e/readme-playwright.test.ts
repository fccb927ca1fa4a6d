/**
 * The README's Playwright set-up, followed by a new user (`make e2e`, which installs Debian's Chromium): a fresh
 * Express 5 app with the packed package and @playwright/test from the npm registry, the README's and the guides'
 * files written verbatim (`app.ts`, `e2e-server.ts`, `playwright.config.ts`, `e2e/sign-in.spec.ts`), then
 * `npx playwright test`: Playwright starts the mock's command and the app as the config says, and the spec signs in
 * through the mock's consent page in real Chromium.
 *
 * What the run changes, and only that (ci/playwright.config.ts): free ports instead of 8080 and 3000 (told to
 * `e2e-server.ts` by the `PORT` and `BITBUCKET_MOCK_URL` it reads), Debian's Chromium instead of a browser Playwright
 * downloads (no network here beyond npm), and the app's directory as the place the README's relative paths are read
 * from.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { attempt, installPackage, packTarball, tempParent, tsc } from '../package/apps';
import { blocks, writeAndCompileDocs } from '../package/readme-app';

const CHROMIUM = '/usr/bin/chromium';

/** The README's and the guides' Playwright files, by the path the marker gives. */
const playwrightFiles = blocks.flatMap((b) => (b.marker?.kind === 'playwright' ? [[b.marker.name, b.code]] : []));

/**
 * The README's config with this run's ports and browser; everything else (servers, testDir, baseURL's host) as
 * written. The app is told the ports by the `PORT` and `BITBUCKET_MOCK_URL` that e2e-server.ts reads.
 */
function ciConfig(mockPort: number, appPort: number): string {
  return `import path from 'node:path';
import { defineConfig } from '@playwright/test';
import readme from '../playwright.config';

const app = path.resolve(__dirname, '..');
const withPorts = (text: string): string => text.replace(/\\b8080\\b/g, '${mockPort}').replace(/\\b3000\\b/g, '${appPort}');
const servers = [readme.webServer ?? []].flat();

export default defineConfig({
  ...readme,
  testDir: path.resolve(app, readme.testDir ?? '.'),
  reporter: 'line',
  retries: 0,
  use: {
    ...readme.use,
    baseURL: withPorts(readme.use?.baseURL ?? ''),
    launchOptions: { executablePath: '${CHROMIUM}' },
  },
  webServer: servers.map((server) => ({
    ...server,
    command: withPorts(server.command),
    port: Number(withPorts(String(server.port))),
    cwd: app,
    env: { PORT: '${appPort}', BITBUCKET_MOCK_URL: 'http://127.0.0.1:${mockPort}' },
    reuseExistingServer: false,
  })),
});
`;
}

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

let parent = '';
afterAll(() => {
  if (parent !== '') fs.rmSync(parent, { recursive: true, force: true });
});

it('has the Playwright config in the README and the spec in guides/mock.md', () => {
  expect(playwrightFiles.map(([name]) => name).sort()).toEqual(['e2e/sign-in.spec.ts', 'playwright.config.ts']);
});

it("signs a user in with the README's Playwright set-up, in Chromium, as written", async () => {
  expect(fs.existsSync(CHROMIUM)).toBe(true);
  parent = tempParent();
  const dir = await installPackage(
    path.join(__dirname, '../package/apps/playwright/package.json'),
    packTarball(parent),
    path.join(parent, 'playwright-app'),
  );
  const compiled = await writeAndCompileDocs(dir, tsc);
  expect(compiled.output).toBe('');
  for (const [name = '', code = ''] of playwrightFiles) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), code);
  }
  fs.mkdirSync(path.join(dir, 'ci'));
  fs.writeFileSync(path.join(dir, 'ci', 'playwright.config.ts'), ciConfig(await freePort(), await freePort()));
  const run = await attempt(
    process.execPath,
    [path.join(dir, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'ci/playwright.config.ts'],
    dir,
  );
  expect(run.output).toMatch(/\b1 passed\b/);
  expect(run.output).not.toMatch(/\bfailed\b/);
  expect(run.ok).toBe(true);
}, 300_000);
