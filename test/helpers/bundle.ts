import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './repo.js';

/**
 * Bundles TypeScript source text (importing from the repository's src/) into one ESM file that plain `node`
 * runs, so tests can spawn real processes (signals, exit codes) without a TypeScript loader. npm packages stay
 * external and resolve from the repository's node_modules (the file is written under .vitest-tmp/, ignored by git).
 */
export async function bundleScript(source: string, name: string): Promise<string> {
  // Three levels below the root, like dist/src/cli/program.js, so module-relative paths such as
  // '../../../package.json' (cli/program.ts packageVersion) resolve to the repository root.
  const dir = join(REPO_ROOT, '.vitest-tmp', 'bundles', 'scripts');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}-${process.pid}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile: `${name}.ts`, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
