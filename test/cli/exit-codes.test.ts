import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { Rng } from '../../src/core/random.js';
import { fromFid } from '../../src/core/mrs-data.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { writeLiverSpectrum } from '../helpers/liver-spectrum.js';
import { captureStdio } from '../helpers/stdio.js';

const io = captureStdio();
const dir = mkdtempSync(join(tmpdir(), 'livermrs-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = join(dir, 'good.nii.gz');
const noisy = join(dir, 'noisy.nii.gz');
const fid = writeLiverSpectrum(good, 3);
// The same spectrum buried in noise: far below the SNR the shipped networks were trained on.
const rng = new Rng(5);
let peak = 0;
for (let i = 0; i < fid.data.length; i++) peak = Math.max(peak, Math.abs(fid.data[i]));
const data = Float64Array.from(fid.data, (v) => v + 0.3 * peak * rng.normal());
writeFileSync(noisy, encodeNiftiMrs(fromFid({ ...fid, data }), { gzip: true, dataType: 'complex64' }));

describe('quantify and classify exit codes (README: 1 means failure)', () => {
  it('exit 0 when every answer is ok or doubtful', async () => {
    expect(await runCli(['classify', good])).toBe(0);
    expect(io.err).toBe('');
  });

  it('exit 1 after printing every answer when one is failed; --allow-failed exits 0', async () => {
    for (const task of ['classify', 'quantify']) {
      io.out = '';
      io.err = '';
      expect(await runCli([task, good, noisy])).toBe(1);
      expect(io.out).toContain(good);
      expect(io.out).toMatch(/noisy\.nii\.gz.*FAILED/);
      expect(io.err).toMatch(
        new RegExp(
          `^livermrs: ${task}: 1 of 2 answers failed \\(.*noisy\\.nii\\.gz: .*SNR .* is outside the training range.*\\); --allow-failed exits 0\\n$`,
        ),
      );
      io.err = '';
      expect(await runCli([task, good, noisy, '--allow-failed'])).toBe(0);
      expect(io.err).toBe('');
    }
  });
});
