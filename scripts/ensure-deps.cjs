#!/usr/bin/env node
// Runs before `npm test` and `npm run dev` (pre-scripts), with plain Node and no dependencies:
// on a fresh clone, or after package.json or package-lock.json changed, installs the locked packages.
// `npm ci`: a clean install of exactly the lock, which lists every platform's optional packages,
// so it never rewrites package-lock.json (the first `npm test` leaves the work tree clean).
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
  process.stderr.write(`[lifeline] ${reason}: running npm ci\n`);
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const result = spawnSync(npm[0], [...npm[1], 'ci', '--no-fund', '--no-audit'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('[lifeline] npm ci failed; see above\n');
    process.exit(result.status ?? 1);
  }
}
