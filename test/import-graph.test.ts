import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/repo.js';

/**
 * The top-level folders of src/, bench/ and scripts/ form no cycle (study → networks → … never back to study;
 * report and web import networks, never each other's; bench/ imports the library, never the other way), and
 * nothing imports src/cli, the command-line shell (the CLI runs the benchmarks as a child process):
 * scripts/check-imports.mjs over the imports, so CI fails on a folder cycle.
 */
const SCRIPT = join(REPO_ROOT, 'scripts', 'check-imports.mjs');

function check(repoDir?: string) {
  const r = spawnSync(process.execPath, [SCRIPT, ...(repoDir ? [repoDir] : [])], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'livermrs-imports-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the check on a small repository written from `files`; it must fail. */
function rejected(name: string, files: Record<string, string>): string {
  const root = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = check(root);
  expect(r.code).toBe(1);
  return r.out;
}

describe('import graph of src/, bench/ and scripts/', () => {
  it('has no cycle between top-level folders and nothing imports src/cli', () => {
    const r = check();
    expect(r.out).toMatch(
      /folders of src\/ and bench, scripts, no cycle between them, nothing imports src\/cli/,
    );
    expect(r.code).toBe(0);
  });

  it('finds a cycle through multi-line, type-only and dynamic imports, not through comments or strings', () => {
    const out = rejected('cycle', {
      'src/a/x.ts': "import {\n  y,\n  type Y,\n} from '../b/y.js';\nexport const x = y;\n",
      'src/b/y.ts':
        "import type { X } from '../a/x.js';\n// import { z } from '../c/z.js';\n/* import('../c/z.js') */\nexport const y = 1;\n",
      'src/c/z.ts': "export const z = async () => (await import('../d/w.js')).w;\n",
      'src/d/w.ts': 'export const w = \'import("../c/z.js")\';\n',
    });
    expect(out).toContain('folder cycle: src/a ↔ src/b');
    expect(out).toContain('src/a/x.ts → ../b/y.js');
    expect(out).toContain('src/b/y.ts → ../a/x.js');
    expect(out).not.toMatch(/cycle: .*src\/c/);
  });

  it('refuses an import of cli/ from another folder, but lets cli/ import any folder', () => {
    const out = rejected('shell', {
      'src/cli/main.ts': "import { a } from '../a/a.js';\nexport const main = a;\n",
      'src/a/a.ts': "export const a = 1;\nexport const later = () => import('../cli/main.js');\n",
    });
    expect(out).toContain('src/a imports src/cli');
    expect(out).toContain('folder cycle: src/a ↔ src/cli');
  });

  it('checks bench/ and scripts/ too: no import of src/cli, no cycle with the library, dist/ paths count', () => {
    const out = rejected('bench', {
      'src/cli/main.ts': "export const main = () => import('../../bench/run.js');\n",
      'src/cli/program.ts': 'export const reportError = 1;\n',
      'src/io/read.ts': "import { bench } from '../../bench/util.js';\nexport const read = bench;\n",
      'bench/run.ts':
        "import { reportError } from '../src/cli/program.js';\nexport const run = reportError;\n",
      'bench/util.ts': "import { read } from '../src/io/read.js';\nexport const bench = read;\n",
      'scripts/make.mjs':
        "const root = '.';\nawait import(join(root, 'dist/src/cli/main.js'));\nawait import('./other.mjs');\n",
    });
    expect(out).toContain('bench imports src/cli');
    expect(out).toContain('bench/run.ts → ../src/cli/program.js');
    expect(out).toContain('scripts imports src/cli');
    expect(out).toContain('scripts/make.mjs → dist/src/cli/main.js');
    expect(out).toContain('folder cycle: bench ↔ src/cli ↔ src/io');
    expect(out).toContain('src/io/read.ts → ../../bench/util.js');
  });

  it('reserves src/analysis for the layers above it (bench/ included), and takes a bare src/ tree too', () => {
    const files = {
      'src/analysis/pipeline.ts': "import { fit } from '../fit/fit.js';\nexport const pipeline = fit;\n",
      'src/fit/fit.ts': 'export const fit = 1;\n',
      'src/fit/later.ts': "export const later = () => import('../analysis/pipeline.js');\n",
      'src/study/s.ts': "export { pipeline } from '../analysis/pipeline.js';\n",
      'bench/b.ts': "export { pipeline } from '../src/analysis/pipeline.js';\n",
    };
    const out = rejected('reserved', files);
    expect(out).toContain('src/fit imports src/analysis (only cli, web, study, (root) may)');
    expect(out).toContain('src/fit/later.ts → ../analysis/pipeline.js');
    expect(out).not.toMatch(/(src\/study|bench) imports src\/analysis/);
    // The same tree without src/: the directory given is the src/ tree (witnesses relative to it).
    const bare = rejected(
      'bare',
      Object.fromEntries(
        Object.entries(files)
          .filter(([f]) => f.startsWith('src/'))
          .map(([f, t]) => [f.slice(4), t]),
      ),
    );
    expect(bare).toContain('src/fit imports src/analysis');
    expect(bare).toContain('fit/later.ts → ../analysis/pipeline.js');
  });
});
