import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
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
    plugins: [await browserSpinSystems(root)],
  });
  copyFileSync(join(app, 'index.html'), join(outDir, 'index.html'));
  writeFileSync(join(outDir, 'style.css'), `${REPORT_CSS}\n${readFileSync(join(app, 'app.css'), 'utf8')}`);
  const bytes = Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  return { outDir, bytes };
}

/**
 * The page measures a spectrum's SNR and lipid linewidth by the command line's NLLS fit (the training-range
 * check, networks/training-range-check.ts), whose liver basis the physics engine simulates from the built-in
 * spin systems. The browser has no file system: this plugin replaces physics/library-files.ts, the one module
 * that reads them, by a module holding the same YAML texts, read here at build time.
 */
async function browserSpinSystems(root: string): Promise<Plugin> {
  // Loaded here, not at start-up: `livermrs serve` imports this module for packageRoot only.
  const { builtinSpinSystemDir, readSpinSystemTexts } = await import('../physics/library-files.js');
  const stub = join(root, 'src', 'physics', 'library-files.browser');
  return {
    name: 'livermrs-browser-spin-systems',
    setup(b) {
      b.onResolve({ filter: /\/library-files\.js$/ }, (args) =>
        args.importer.includes(join('src', 'physics'))
          ? { path: stub, namespace: 'livermrs-spin-systems' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'livermrs-spin-systems' }, () => {
        const texts = readSpinSystemTexts(builtinSpinSystemDir()).map((t) => ({
          file: basename(t.file),
          text: t.text,
        }));
        return {
          resolveDir: join(root, 'src', 'physics'),
          loader: 'ts',
          contents: `import { SpinSystemLibrary } from './library.js';
const TEXTS = ${JSON.stringify(texts)};
let builtin: SpinSystemLibrary | undefined;
export function builtinSpinSystems(): SpinSystemLibrary {
  if (!builtin) {
    builtin = SpinSystemLibrary.fromTexts(TEXTS);
    builtin.validate();
  }
  return builtin;
}
export function builtinSpinSystemDir(): string {
  throw new Error('no spin-system folder in the browser: the built-in library is bundled');
}
export function readSpinSystemTexts(): never {
  throw new Error('no file system in the browser');
}
export function loadSpinSystems(extraPath?: string): SpinSystemLibrary {
  if (extraPath) throw new Error('no file system in the browser: only the built-in spin systems');
  return builtinSpinSystems();
}
`,
        };
      });
    },
  };
}
