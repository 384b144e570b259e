/**
 * `npm run bench [name...]`: runs the benchmarks and writes one JSON file per benchmark under bench/results/.
 * Each benchmark module exports `run(): Promise<object>`; it measures in a warm process and reports medians.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(benchmarks);
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
for (const name of names) {
  const b = benchmarks[name];
  if (!b) {
    process.stderr.write(
      `bench: unknown benchmark '${name}' (known: ${Object.keys(benchmarks).join(', ')})\n`,
    );
    process.exitCode = 2;
    continue;
  }
  process.stderr.write(`bench: ${name} ...\n`);
  const result = await b();
  const record = { benchmark: name, date: new Date().toISOString(), node: process.version, ...result };
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
}
