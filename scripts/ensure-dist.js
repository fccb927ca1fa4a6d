'use strict';
// Builds dist/ when it is missing, for the package tests (`make test` builds first, so this is for
// `npx jest test/package` on a fresh clone). It never rebuilds an existing dist/: the tests check
// what was built.
//
// NOTE: jest runs the test files in parallel, so several of these may start at once. Each builds
// into its own directory next to dist/ (same depth, so the source maps' relative paths stay right)
// and renames it into place; a rename is atomic, so nobody ever reads a half-written dist/.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

/** Whether both entry points are built. */
function built(dir) {
  return ['index.js', 'testing/index.js', 'testing/cli/main.js'].every((file) => fs.existsSync(path.join(dir, file)));
}

function ensureDist() {
  if (built(dist)) return dist;
  const tmp = fs.mkdtempSync(path.join(root, '.dist-'));
  try {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', tmp], {
      cwd: root,
      stdio: 'inherit',
    });
    try {
      fs.renameSync(tmp, dist);
    } catch {
      // Another process won the race (fine), or a stale, incomplete dist/ is in the way (replace it).
      if (!built(dist)) {
        fs.rmSync(dist, { recursive: true, force: true });
        fs.renameSync(tmp, dist);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dist;
}

module.exports = { ensureDist };

if (require.main === module) ensureDist();
