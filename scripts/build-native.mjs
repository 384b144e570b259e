#!/usr/bin/env node
// Builds the libtorch addon (native/) with node-gyp, incrementally: `configure` only when there is no Makefile yet
// (or with --rebuild), then `build`, which recompiles only what changed. Offline: node-gyp is pointed at the Node
// headers installed with Node itself (<prefix>/include/node) unless npm already names a nodedir.
// libtorch: Debian's libtorch-dev by default, or LIBTORCH_DIR (see native/torch-config.cjs and docs/engine.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const require = createRequire(import.meta.url);
const nodeGyp = join(dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');

const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const prefix = join(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = prefix;
}
env.JOBS ??= '2';

function gyp(...args) {
  const r = spawnSync(process.execPath, [nodeGyp, ...args, '--loglevel', 'warn', '--directory', native], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) {
    process.stderr.write(`build-native: node-gyp ${args[0]} failed (libtorch set-up: docs/engine.md)\n`);
    process.exit(r.status ?? 1);
  }
}

const rebuild = process.argv.includes('--rebuild');
if (rebuild || !existsSync(join(native, 'build', 'Makefile'))) gyp('configure');
gyp('build');
