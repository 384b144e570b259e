import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/repo.js';

/**
 * The top-level folders of src/ form no cycle (study → networks → … never back to study; report and web import
 * networks, never each other's), and nothing imports src/cli, the command-line shell: scripts/check-imports.mjs
 * over the TypeScript imports, so CI fails on a folder cycle.
 */
const SCRIPT = join(REPO_ROOT, 'scripts', 'check-imports.mjs');

function check(srcDir?: string) {
  const r = spawnSync(process.execPath, [SCRIPT, ...(srcDir ? [srcDir] : [])], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'livermrs-imports-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the check on a small src/ tree written from `files`; it must fail. */
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

describe('import graph of src/', () => {
  it('has no cycle between top-level folders and nothing imports src/cli', () => {
    const r = check();
    expect(r.out).toMatch(/no cycle between them, nothing imports src\/cli/);
    expect(r.code).toBe(0);
  });

  it('finds a cycle through multi-line, type-only and dynamic imports, not through comments or strings', () => {
    const out = rejected('cycle', {
      'a/x.ts': "import {\n  y,\n  type Y,\n} from '../b/y.js';\nexport const x = y;\n",
      'b/y.ts':
        "import type { X } from '../a/x.js';\n// import { z } from '../c/z.js';\n/* import('../c/z.js') */\nexport const y = 1;\n",
      'c/z.ts': "export const z = async () => (await import('../d/w.js')).w;\n",
      'd/w.ts': 'export const w = \'import("../c/z.js")\';\n',
    });
    expect(out).toContain('folder cycle: a ↔ b');
    expect(out).toContain('a/x.ts → ../b/y.js');
    expect(out).toContain('b/y.ts → ../a/x.js');
    expect(out).not.toMatch(/cycle: .*c/);
  });

  it('refuses an import of cli/ from another folder, but lets cli/ import any folder', () => {
    const out = rejected('shell', {
      'cli/main.ts': "import { a } from '../a/a.js';\nexport const main = a;\n",
      'a/a.ts': "export const a = 1;\nexport const later = () => import('../cli/main.js');\n",
    });
    expect(out).toContain('src/a imports src/cli');
    expect(out).toContain('folder cycle: a ↔ cli');
  });
});
