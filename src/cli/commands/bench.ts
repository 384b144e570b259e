import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ReportedError } from '../../core/errors.js';

/**
 * `livermrs bench`: the project's benchmarks (the same as `npm run bench`), results as JSON files. The
 * benchmarks run in a child process (bench/run.js of the build), so the command line does not import bench/.
 */
export function register(program: Command): void {
  program
    .command('bench')
    .description('Run benchmarks (basis, simulate, fit, engine, io) and write their JSON results')
    .argument('[names...]', 'benchmarks to run (default: all)')
    .option('--out <dir>', 'directory for the <name>.json results', 'bench/results')
    .option('--list', 'list the benchmark names and exit')
    .option('--json', 'print the result records as JSON')
    .addHelpText('after', '\nExample:\n  livermrs bench fit simulate --out bench/results\n')
    .action(async (names: string[], opts: { out: string; list?: boolean; json?: boolean }) => {
      const args = opts.list
        ? ['--list']
        : [...names, '--out', resolve(opts.out), '--print', opts.json ? 'json' : 'paths'];
      const code = await runBenchScript(args);
      if (code !== 0) throw new ReportedError(code);
    });
}

/**
 * Runs bench/run.js (dist/bench next to dist/src) with `args`, its output passed through; resolves with its exit
 * code. From the TypeScript sources (tests) it runs bench/run.ts through tsx.
 */
function runBenchScript(args: string[]): Promise<number> {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`../../../bench/run.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  const node = fromSources ? ['--import', 'tsx', script] : [script];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...node, ...args], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}
