#!/usr/bin/env node
// Runs before `npm test` and `npm run dev` (pre-scripts), with plain Node and no dependencies:
// on a fresh clone, or after package-lock.json changed, installs exactly the locked packages.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!fs.existsSync(installed)) return 'node_modules is missing';
  if (fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs) return 'package-lock.json changed since the last install';
  return undefined;
}

const reason = stale();
if (reason) {
  process.stderr.write(`[lifeline] ${reason}: running npm ci\n`);
  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath]]
    : ['npm', []];
  const result = spawnSync(npm[0], [...npm[1], 'ci', '--no-fund', '--no-audit'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('[lifeline] npm ci failed; see above\n');
    process.exit(result.status ?? 1);
  }
}
