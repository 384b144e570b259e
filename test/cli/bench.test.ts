import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureStdio } from '../helpers/stdio.js';

captureStdio();

/**
 * `livermrs bench` runs bench/run in a child process (the command line does not import bench/): its exit code
 * comes back as the CLI's.
 */
describe('livermrs bench', () => {
  it('lists the benchmarks (exit 0) and refuses an unknown one with exit 2', async () => {
    expect(await runCli(['bench', '--list'])).toBe(0);
    expect(await runCli(['bench', 'no-such-benchmark', '--out', 'unused'])).toBe(2);
  }, 60_000);
});
