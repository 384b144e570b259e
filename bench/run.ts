/**
 * `npm run bench [name...]` and `livermrs bench` (which runs this file as a child process, so that the command
 * line never imports bench/): runs the benchmarks and writes one JSON file per benchmark, by default under
 * bench/results/. Each benchmark module exports `run(): Promise<object>`; it measures in a warm process and
 * reports medians.
 *
 * Options: `--out DIR` (results there), `--list` (the names, one a line), `--print records|json|paths` (what goes
 * to stdout: each record as JSON, the default; the records as one JSON array; or a line `bench: NAME -> DIR` per
 * benchmark). Errors print `livermrs: message` and exit 2 (usage or input) or 1.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LivermrsError, UsageError } from '../src/core/errors.js';
import { benchmarkNames, runBenchmarks } from './runner.js';

const PRINT = ['records', 'json', 'paths'] as const;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
try {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    throw new UsageError(`bench: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  const print = values.print as (typeof PRINT)[number];
  if (!PRINT.includes(print))
    throw new UsageError(`bench: --print '${print}' is not one of ${PRINT.join(', ')}`);
  if (values.list) {
    process.stdout.write(`${benchmarkNames().join('\n')}\n`);
  } else {
    const out = values.out === undefined ? join(root, 'bench', 'results') : resolve(values.out);
    const records = await runBenchmarks(positionals, out);
    if (print === 'json') process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    for (const record of print === 'json' ? [] : records) {
      process.stdout.write(
        print === 'paths'
          ? `bench: ${String(record.benchmark)} -> ${out}\n`
          : `${JSON.stringify(record, null, 2)}\n`,
      );
    }
  }
} catch (err) {
  const known = err instanceof LivermrsError;
  process.stderr.write(
    `livermrs: ${known ? '' : 'internal error: '}${(err as Error)?.message ?? String(err)}\n`,
  );
  process.exitCode = known ? err.exitCode : 1;
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      list: { type: 'boolean' },
      print: { type: 'string', default: 'records' },
    },
  });
}
