import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printJson } from '../options.js';

/** `livermrs bench`: the project's benchmarks (the same as `npm run bench`), results as JSON files. */
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
      // Loaded on demand: benchmarks pull in every concern of the toolkit.
      const runner = await import('../../../bench/runner.js');
      if (opts.list) {
        process.stdout.write(`${runner.benchmarkNames().join('\n')}\n`);
        return;
      }
      const records = await runner.runBenchmarks(names, resolve(opts.out));
      if (opts.json) printJson(records);
      else
        for (const r of records)
          process.stdout.write(`bench: ${String(r.benchmark)} -> ${resolve(opts.out)}\n`);
    });
}
