import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS } from '../../src/io/format-ids.js';
import { READERS } from '../../src/io/read.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `livermrs --version` and `--help` must start fast (issue 12: ≤ 0.15 s whole command), so the modules the CLI
 * loads before a command runs are only commander and the light registration code: every command imports its
 * readers, fitter, simulator, networks, onnxruntime-node, cli-progress ... inside its action (`await import`).
 * This walks the static imports of the TypeScript sources from src/cli/main.ts (an `import type` is erased;
 * any other import counts, even if it only names types) and checks what start-up would load.
 */
const STATIC_IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function startupModules(entry: string): { local: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (m[2]) continue; // import type / export type: erased
      const spec = m[3];
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        continue;
      }
      const ts = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      stack.push(existsSync(ts) ? ts : resolve(dirname(file), spec));
    }
  }
  return { local: [...seen].map((f) => f.slice(ROOT.length + 1)).sort(), packages: [...packages].sort() };
}

describe('CLI start-up', () => {
  const { local, packages } = startupModules(join(ROOT, 'src', 'cli', 'main.ts'));

  it('loads no package but commander before a command runs', () => {
    expect(packages).toEqual(['commander']);
  });

  it('loads only the registration code of the commands, not the toolkit behind them', () => {
    // Heavy folders: the simulator, fitter, networks, readers and reports load inside command actions.
    const heavy = local.filter((f) =>
      /^src\/(fit|simulate|nn|spectra|preproc\/(?!landmarks)|report\/(?!style)|study\/(?!settings)|networks\/(?!architectures|train-options))/.test(
        f,
      ),
    );
    expect(heavy).toEqual([]);
    // 31: the commands load their work inside their actions; their choices and defaults come from light modules
    // (study/settings.ts, networks/train-options.ts, analysis/options.ts, io/format-ids.ts: no heavy imports).
    expect(local.length, local.join('\n')).toBeLessThanOrEqual(31);
  });

  it('lists the reader ids of io/read.ts in their order (the CLI shows them without loading the readers)', () => {
    expect(READERS.map((r) => r.id)).toEqual([...FORMAT_IDS]);
  });
});
