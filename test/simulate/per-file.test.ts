import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { fidView } from '../../src/core/mrs-data.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { parseManifest } from '../../src/study/manifest.js';
import { readManifestSpectra } from '../../src/study/manifest-spectra.js';
import { captureStdio } from '../helpers/stdio.js';

captureStdio();
const dir = mkdtempSync(join(tmpdir(), 'livermrs-perfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulate --per-file', () => {
  it('one NIfTI-MRS per spectrum named by group and index, bit-identical to spectra.nii.gz, and a manifest', async () => {
    const out = join(dir, 'sims');
    const argv = ['simulate', '--cohort', 'truth-hbv', '--n', '6', '--seed', '4', '--threads', '1'];
    expect(await runCli([...argv, '--per-file', '--no-progress', '--out', out])).toBe(0);
    expect(readdirSync(join(out, 'spectra')).sort()).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((i) => `LC-HCC_00${i}.nii.gz`),
      ...[1, 2, 3, 4, 5, 6].map((i) => `LC_00${i}.nii.gz`),
    ]);
    const all = readMrsFile(join(out, 'spectra.nii.gz'));
    const truth = readFileSync(join(out, 'truth.csv'), 'utf8').trim().split('\n').slice(1);
    const groups = ['LC', 'LC-HCC'];
    for (let entry = 0; entry < 12; entry++) {
      const group = groups[Math.floor(entry / 6)];
      const one = readMrsFile(join(out, 'spectra', `${group}_00${(entry % 6) + 1}.nii.gz`));
      expect(one.dims).toEqual([]);
      expect(Array.from(one.data)).toEqual(Array.from(fidView(all, entry)));
      expect(one.extension.WaterSuppressed).toBe(true);
      expect(one.extension.livermrs_simulation).toMatchObject({ group, index: (entry % 6) + 1 });
      expect(truth[entry].split(',').slice(0, 3)).toEqual([String(entry), group, String(entry % 6)]);
    }
    const manifest = readFileSync(join(out, 'manifest.csv'), 'utf8');
    expect(manifest.split('\n').slice(0, 5)).toEqual([
      'file,group,role',
      'spectra/LC_001.nii.gz,LC,prior',
      'spectra/LC_002.nii.gz,LC,prior',
      'spectra/LC_003.nii.gz,LC,prior',
      'spectra/LC_004.nii.gz,LC,test',
    ]);
    // The manifest passes the study's checks as it is.
    const m = parseManifest(manifest, join(out, 'manifest.csv'));
    expect(m.groups).toEqual(['LC', 'LC-HCC']);
    expect(readManifestSpectra(m).fids).toHaveLength(12);
  });
});
