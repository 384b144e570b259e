/**
 * `npm run bench [name...]`: runs the benchmarks and writes one JSON file per benchmark under bench/results/.
 * Each benchmark module exports `run(): Promise<object>`; it measures in a warm process and reports medians.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportError } from '../src/cli/program.js';
import { runBenchmarks } from './runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
try {
  for (const record of await runBenchmarks(process.argv.slice(2), join(root, 'bench', 'results'))) {
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  }
} catch (err) {
  process.exitCode = reportError(err);
}
