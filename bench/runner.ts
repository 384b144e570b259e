import { join } from 'node:path';
import { UsageError } from '../src/core/errors.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { benchmarks } from './registry.js';

/**
 * Runs benchmarks by name (all when none given) in this warm process and writes one JSON record per benchmark
 * to `outDir/<name>.json`. Shared by `npm run bench` and `livermrs bench`.
 */
export async function runBenchmarks(
  names: string[],
  outDir: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<Record<string, unknown>[]> {
  const selected = names.length ? names : Object.keys(benchmarks);
  const unknown = selected.filter((n) => !benchmarks[n]);
  if (unknown.length) {
    throw new UsageError(
      `bench: unknown benchmark '${unknown.join("', '")}' (expected one of: ${Object.keys(benchmarks).join(', ')})`,
    );
  }
  const records: Record<string, unknown>[] = [];
  for (const name of selected) {
    log(`bench: ${name} ...`);
    const result = await benchmarks[name]();
    const record = { benchmark: name, date: new Date().toISOString(), node: process.version, ...result };
    writeFileAtomic(join(outDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    records.push(record);
  }
  return records;
}

export function benchmarkNames(): string[] {
  return Object.keys(benchmarks);
}
