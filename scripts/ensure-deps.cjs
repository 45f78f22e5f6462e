#!/usr/bin/env node
// Runs before `npm test` and `npm run dev` (pre-scripts), with plain Node and no dependencies:
// on a fresh clone, or after package.json or package-lock.json changed, installs the locked packages.
// `npm install`, not `npm ci`: the registry reached here lacks some other platforms' optional
// binaries (e.g. @swc/core-darwin-arm64), so the lock cannot list them and `npm ci` refuses it;
// `npm install` installs exactly the locked versions and leaves the lock unchanged.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const installed = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!fs.existsSync(installed)) return 'node_modules is missing';
  const installedAt = fs.statSync(installed).mtimeMs;
  for (const file of ['package.json', 'package-lock.json']) {
    if (fs.statSync(path.join(root, file)).mtimeMs > installedAt) return `${file} changed since the last install`;
  }
  return undefined;
}

const reason = stale();
if (reason) {
  process.stderr.write(`[lifeline] ${reason}: running npm install\n`);
  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath]]
    : ['npm', []];
  const result = spawnSync(npm[0], [...npm[1], 'install', '--no-fund', '--no-audit'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('[lifeline] npm install failed; see above\n');
    process.exit(result.status ?? 1);
  }
}
