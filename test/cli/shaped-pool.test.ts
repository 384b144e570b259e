import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { ShapedPool } from '../../src/cli/shaped-pool.js';
import { readBasisJson } from '../../src/io/basis-json.js';
import { DEFAULT_PROTOCOL, simulateLineLists, simulateLineListsAsync } from '../../src/physics/index.js';
import { defaultPulseSet } from '../../src/physics/pulses/index.js';
import { captureStdio } from '../helpers/stdio.js';

const io = captureStdio();
const dir = mkdtempSync(join(tmpdir(), 'livermrs-shaped-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shaped-pulse engine over worker threads (split by slice position)', () => {
  it('gives the single-thread line lists for PRESS and semi-LASER pairs (sums reordered only)', async () => {
    const pool = new ShapedPool(2);
    try {
      const slaser = {
        ...DEFAULT_PROTOCOL,
        sequence: 'slaser' as const,
        te: 0.03,
        te1: undefined,
        te2: undefined,
      };
      for (const protocol of [DEFAULT_PROTOCOL, slaser]) {
        const options = { pulses: defaultPulseSet(7), cache: false };
        const names = ['Lac', 'Glu', 'GSH', 'Cr'];
        const a = simulateLineLists(protocol, names, options);
        const b = await simulateLineListsAsync(protocol, names, options, pool.solve);
        for (const name of names) {
          expect(b[name].hz.length).toBe(a[name].hz.length);
          for (let k = 0; k < a[name].hz.length; k++) {
            expect(Math.abs(b[name].hz[k] - a[name].hz[k])).toBeLessThan(1e-9);
            expect(
              Math.abs(b[name].re[k] - a[name].re[k]) + Math.abs(b[name].im[k] - a[name].im[k]),
            ).toBeLessThan(1e-12); // measured 2e-16
          }
        }
      }
    } finally {
      await pool.close();
    }
  });

  it('livermrs basis --threads 2 writes the basis of --threads 1', async () => {
    const args = ['basis', '--pulses', 'default', '--grid', '6', '--metabolites', 'Lac,Cr,GPC', '--no-plot'];
    expect(await runCli([...args, '--threads', '1', '--out', join(dir, 'one')])).toBe(0);
    expect(await runCli([...args, '--threads', '2', '--out', join(dir, 'two')])).toBe(0);
    const one = readBasisJson(readFileSync(join(dir, 'one', 'basis.json'), 'utf8')).basis;
    const two = readBasisJson(readFileSync(join(dir, 'two', 'basis.json'), 'utf8')).basis;
    for (let k = 0; k < one.fids.length; k++) {
      for (let i = 0; i < one.fids[k].length; i++) {
        expect(Math.abs(two.fids[k][i] - one.fids[k][i])).toBeLessThan(1e-9);
      }
    }
    expect(await runCli(['basis', '--threads', '2', '--out', join(dir, 'x')])).toBe(2);
    expect(io.err).toMatch(/--threads needs --pulses/);
  });
});
