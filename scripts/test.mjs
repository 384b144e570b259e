#!/usr/bin/env node
// Runs the vitest suite and ends with one plain closing line, "tests: N passed, N failed, N skipped", that CI
// systems read in any language. Extra arguments go to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
rmSync(report, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed = j.numPassedTests ?? 0;
  failed = j.numFailedTests ?? 0;
  skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  // A suite that fails to load has no failed tests of its own: count it so the line never hides it.
  if ((j.numFailedTestSuites ?? 0) > 0 && failed === 0) failed = j.numFailedTestSuites;
  rmSync(report, { force: true });
} else {
  failed = 1;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
// A skipped or todo test is a test that cannot fail: the run fails with it.
if (skipped > 0 && (r.status ?? 1) === 0) {
  console.error(`tests: ${skipped} skipped or todo test(s): remove the skip or the test`);
  process.exit(1);
}
process.exit(r.status ?? 1);
