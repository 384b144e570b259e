import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_CSS } from '../report/style.js';

/**
 * Builds the browser app into `outDir` (default dist/web): app.js (the TypeScript readers, preprocessing, report
 * components and onnxruntime-web bundled by esbuild), index.html and style.css. The onnxruntime .wasm files are
 * not copied: `livermrs serve` serves them from the installed onnxruntime-web package.
 * Run by `npm run build` after tsc (web/build-cli.ts); esbuild is a build-time (dev) dependency.
 */
export interface BuildWebOptions {
  outDir?: string;
  /** Minify app.js (default true). */
  minify?: boolean;
}

/** The repository (package) root: from src/web or dist/src/web. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'livermrs') return dir;
    } catch {
      // not here; go up
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the livermrs package root');
}

export async function buildWebApp(opts: BuildWebOptions = {}): Promise<{ outDir: string; bytes: number }> {
  const root = packageRoot();
  const outDir = opts.outDir ?? join(root, 'dist', 'web');
  const app = join(root, 'src', 'web', 'app');
  mkdirSync(outDir, { recursive: true });
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(app, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    outfile: join(outDir, 'app.js'),
    minify: opts.minify ?? true,
    sourcemap: true,
    metafile: true,
    logLevel: 'error',
    // Node built-ins must never reach the browser bundle; fail the build if one does.
    external: [],
  });
  copyFileSync(join(app, 'index.html'), join(outDir, 'index.html'));
  writeFileSync(join(outDir, 'style.css'), `${REPORT_CSS}\n${readFileSync(join(app, 'app.css'), 'utf8')}`);
  const bytes = Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  return { outDir, bytes };
}
