import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { Fid } from '../../src/core/fid.js';
import { fromFid } from '../../src/core/mrs-data.js';
import { writeLcmRaw } from '../../src/io/lcmodel/raw.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { ManifestError, manifestDesign, parseManifest } from '../../src/study/manifest.js';
import { readManifestSpectra } from '../../src/study/manifest-spectra.js';
import { clopperPearson } from '../../src/study/small-sample.js';
import { captureStdio } from '../helpers/stdio.js';

const io = captureStdio();

const dir = mkdtempSync(join(tmpdir(), 'livermrs-manifest-'));
mkdirSync(join(dir, 'data'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'manifest.csv');

interface Protocol {
  te: number;
  mhz: number;
  sw: number;
  points: number;
  sequence: string;
  waterSuppressed: boolean;
  nucleus: string;
}
const PRESS: Protocol = {
  te: 30,
  mhz: 127.76,
  sw: 2000,
  points: 256,
  sequence: 'svs_se',
  waterSuppressed: true,
  nucleus: '1H',
};

/** A small spectrum (one Lorentzian at 1.3 ppm whose amplitude depends on `seed`) as NIfTI-MRS. */
function fid(seed: number, p: Protocol): Fid {
  const data = new Float64Array(2 * p.points);
  const f = (1.3 - 4.65) * p.mhz * -1;
  for (let n = 0; n < p.points; n++) {
    const t = n / p.sw;
    const a = (1 + seed / 10) * Math.exp(-t * 30);
    data[2 * n] = a * Math.cos(2 * Math.PI * f * t);
    data[2 * n + 1] = a * Math.sin(2 * Math.PI * f * t);
  }
  return {
    data,
    points: p.points,
    dwellTime: 1 / p.sw,
    spectrometerFrequency: p.mhz,
    ppmReference: 4.65,
    nucleus: p.nucleus,
    echoTime: p.te / 1000,
  };
}

function write(name: string, seed: number, change: Partial<Protocol> = {}): string {
  const p = { ...PRESS, ...change };
  const mrs = fromFid(fid(seed, p));
  mrs.extension = { SequenceName: p.sequence, WaterSuppressed: p.waterSuppressed };
  writeFileSync(join(dir, 'data', name), encodeNiftiMrs(mrs, { gzip: true, dataType: 'complex64' }));
  return `data/${name}`;
}

for (let i = 0; i < 10; i++) write(`s${i}.nii.gz`, i);

const good = [
  'file,group,role',
  ...[0, 1, 2, 3].map((i) => `data/s${i}.nii.gz,cirrhosis,${i < 3 ? 'prior' : 'test'}`),
  ...[4, 5, 6, 7, 8].map((i) => `data/s${i}.nii.gz,tumour,${i < 7 ? 'prior' : 'test'}`),
].join('\n');

function findings(text: string, options = {}): string[] {
  try {
    readManifestSpectra(parseManifest(text, file, options));
  } catch (err) {
    if (err instanceof ManifestError) return err.findings;
    throw err;
  }
  throw new Error('no error');
}

describe('study manifest: the table', () => {
  it('reads files relative to the manifest, two groups, the second listed positive by default', () => {
    const m = parseManifest(good, file);
    expect(m.groups).toEqual(['cirrhosis', 'tumour']);
    expect(m.entries[0].file).toBe(join(dir, 'data', 's0.nii.gz'));
    expect(m.entries[0].written).toBe('data/s0.nii.gz');
    expect(m.entries[0].line).toBe(2);
    expect(manifestDesign(m)).toEqual({ groups: ['cirrhosis', 'tumour'], prior: [3, 3], test: [1, 2] });
    expect(parseManifest(good, file, { positive: 'cirrhosis' }).groups).toEqual(['tumour', 'cirrhosis']);
    expect(readManifestSpectra(m).fids).toHaveLength(9);
  });

  it('collects every problem of the table, each naming its line and file, exit code 2', () => {
    const bad = good
      .replace('data/s1.nii.gz,cirrhosis,prior', 'data/s1.nii.gz,cirrhosis,train')
      .replace('data/s2.nii.gz', 'data/nope.nii.gz')
      .replace('data/s5.nii.gz,tumour', ',tumour');
    let err: ManifestError | undefined;
    try {
      parseManifest(bad, file);
    } catch (e) {
      err = e as ManifestError;
    }
    expect(err).toBeInstanceOf(ManifestError);
    expect(err?.exitCode).toBe(2);
    expect(err?.findings).toEqual([
      "line 3 (data/s1.nii.gz): role 'train' (expected 'prior' or 'test')",
      `line 4 (data/nope.nii.gz): file not found: ${join(dir, 'data', 'nope.nii.gz')}`,
      'line 7: empty file name',
    ]);
    expect(err?.message).toBe(`${file}: 3 problems, nothing was run:\n  ${err?.findings.join('\n  ')}`);
  });

  it('refuses an unknown column', () => {
    const withAge = good.split('\n').map((l, i) => `${l},${i === 0 ? 'age' : 60}`);
    expect(findings(withAge.join('\n'))).toEqual([
      "line 1: unknown column 'age' (expected file, group, role, water, sw, frequency, te, sequence)",
    ]);
    expect(findings('file,group\ndata/s0.nii.gz,LC')).toEqual([
      "line 1: no column 'role' (expected file, group, role)",
    ]);
  });

  it('refuses a group named in test rows but not in prior rows', () => {
    expect(findings(`${good}\ndata/s9.nii.gz,HCC,test`)).toEqual([
      "group 'HCC' is named in test rows (line 11) but has no prior spectra (expected every test group among the prior groups: cirrhosis, tumour)",
    ]);
  });

  it('refuses groups with too few prior or test spectra', () => {
    const fewPrior = good.replace('data/s2.nii.gz,cirrhosis,prior', 'data/s2.nii.gz,cirrhosis,test');
    expect(findings(fewPrior)).toEqual([
      "group 'cirrhosis' has 2 prior spectra (line 2, 3; expected at least 3 per group)",
    ]);
    const noTest = good.replace('data/s3.nii.gz,cirrhosis,test', 'data/s3.nii.gz,cirrhosis,prior');
    expect(findings(noTest)).toEqual([
      "group 'cirrhosis' has no test spectra (expected at least 1 per group)",
    ]);
    expect(findings(`${good}\ndata/s9.nii.gz,HCC,prior`)).toEqual([
      '3 group(s) with prior spectra: cirrhosis, tumour, HCC (expected exactly two groups, e.g. LC and LC-HCC)',
    ]);
    expect(findings(good, { positive: 'HCC' })).toEqual([
      "positive group 'HCC' is not in the manifest (expected cirrhosis or tumour)",
    ]);
    expect(findings('file,group,role\n')).toEqual(['no spectra listed (expected one row per spectrum)']);
  });

  it('wants a water reference for every spectrum or for none', () => {
    const lines = good.split('\n');
    const some = [
      `${lines[0]},water`,
      ...lines.slice(1).map((l, i) => `${l},${i === 0 ? 'data/s9.nii.gz' : ''}`),
    ];
    expect(findings(some.join('\n'))).toEqual([
      '1 of 9 rows have a water reference, lines 3, 4, 5, 6, 7, 8, 9, 10 none (expected a water reference for every spectrum or for none: amplitudes must share one scale)',
    ]);
    const gone = [`${lines[0]},water`, ...lines.slice(1).map((l) => `${l},data/none.nii.gz`)];
    expect(findings(gone.join('\n'))[0]).toBe(
      `line 2 (data/s0.nii.gz): water reference not found: ${join(dir, 'data', 'none.nii.gz')}`,
    );
  });

  it('warns when a group has fewer than 5 test spectra, with the exact interval of n/n', () => {
    const m = parseManifest(good, file);
    const [lo1] = clopperPearson(1, 1);
    const [lo2] = clopperPearson(2, 2);
    expect(lo1).toBeCloseTo(0.025, 6);
    expect(lo2).toBeCloseTo(Math.sqrt(0.025), 6);
    expect(m.warnings).toEqual([
      "group 'cirrhosis' has 1 test spectrum (fewer than 5): its specificity comes in steps of 1/1 and its 95 % CI is wide: even 1/1 right gives 0.025–1.000 (Clopper–Pearson, 0.975 wide)",
      "group 'tumour' has 2 test spectra (fewer than 5): its sensitivity comes in steps of 1/2 and its 95 % CI is wide: even 2/2 right gives 0.158–1.000 (Clopper–Pearson, 0.842 wide)",
    ]);
  });
});

describe('study manifest: the spectra', () => {
  it('refuses the same file in two rows, by path and by content', () => {
    copyFileSync(join(dir, 'data', 's0.nii.gz'), join(dir, 'data', 'copy-of-s0.nii.gz'));
    const twice = good.replace('data/s3.nii.gz,cirrhosis,test', 'data/s0.nii.gz,cirrhosis,test');
    expect(findings(twice)).toEqual([
      'line 5 (data/s0.nii.gz): the same file as line 2 (data/s0.nii.gz) (expected each spectrum once)',
    ]);
    const copy = good.replace('data/s3.nii.gz,cirrhosis,test', 'data/copy-of-s0.nii.gz,cirrhosis,test');
    expect(findings(copy)).toEqual([
      'line 5 (data/copy-of-s0.nii.gz): identical content (SHA-256) as line 2 (data/s0.nii.gz) (expected each spectrum once)',
    ]);
    // The same samples in another container (uncompressed) are found too.
    const mrs = fromFid(fid(0, PRESS));
    mrs.extension = { SequenceName: 'svs_se', WaterSuppressed: true };
    writeFileSync(
      join(dir, 'data', 's0-again.nii'),
      encodeNiftiMrs(mrs, { gzip: false, dataType: 'complex64' }),
    );
    const again = good.replace('data/s3.nii.gz,cirrhosis,test', 'data/s0-again.nii,cirrhosis,test');
    expect(findings(again)).toEqual([
      'line 5 (data/s0-again.nii): the same samples as line 2 (data/s0.nii.gz) (expected each spectrum once)',
    ]);
  });

  it('refuses a water-unsuppressed spectrum', () => {
    const w = write('unsuppressed.nii.gz', 20, { waterSuppressed: false });
    expect(findings(good.replace('data/s8.nii.gz', w))).toEqual([
      'line 10 (data/unsuppressed.nii.gz): water-unsuppressed (header: water suppression off); the study analyses water-suppressed spectra (an unsuppressed reference belongs in the water column)',
    ]);
  });

  it('names the field that differs in the file units: sequence, TE, field, width, points, nucleus', () => {
    const cases: [Partial<Protocol>, string][] = [
      [{ sequence: 'svs_st' }, 'sequence STEAM, the other 8 spectra have PRESS'],
      [{ te: 35 }, 'TE 35 ms, the other 8 spectra have 30 ms'],
      [{ mhz: 123.23 }, 'field 123.23 MHz, the other 8 spectra have 127.76 MHz'],
      [{ sw: 4000 }, 'spectral width 4000 Hz, the other 8 spectra have 2000 Hz'],
      [{ points: 512 }, 'points 512, the other 8 spectra have 256'],
      [{ nucleus: '31P' }, 'nucleus 31P, the other 8 spectra have 1H'],
    ];
    cases.forEach(([change, text], i) => {
      const name = write(`odd${i}.nii.gz`, 30 + i, change);
      expect(findings(good.replace('data/s4.nii.gz', name))).toEqual([
        `line 6 (${name}): ${text} (expected one protocol for every spectrum of a study)`,
      ]);
    });
  });

  it('reads LCModel .RAW with sw and frequency from columns or from the whole-manifest options', () => {
    const rows = ['file,group,role'];
    for (let i = 0; i < 8; i++) {
      const name = `r${i}.RAW`;
      writeFileSync(join(dir, 'data', name), writeLcmRaw({ ...fid(i, PRESS), echoTime: undefined }));
      rows.push(`data/${name},${i < 4 ? 'LC' : 'HCC'},${i % 4 === 3 ? 'test' : 'prior'}`);
    }
    const plain = rows.join('\n');
    const missing = findings(plain);
    expect(missing).toHaveLength(8);
    expect(missing[0]).toMatch(/^line 2 \(data\/r0\.RAW\): .*(dwell time|frequency) unknown/);
    const opts = { sw: 2000, frequency: 127.76, te: 30, sequence: 'press' as const };
    const s = readManifestSpectra(parseManifest(plain, file, opts));
    expect(s.fids[0].dwellTime).toBeCloseTo(1 / 2000, 12);
    expect(s.fids[0].echoTime).toBeCloseTo(0.03, 12);
    expect(s.fids[0].acquisition?.sequence).toBe('press');
    const cols = [
      'file,group,role,sw,frequency,te,sequence',
      ...rows.slice(1).map((r, i) => `${r},${i === 5 ? 4000 : 2000},127.76,30,press`),
    ].join('\n');
    expect(findings(cols)).toEqual([
      'line 7 (data/r5.RAW): spectral width 4000 Hz, the other 7 spectra have 2000 Hz (expected one protocol for every spectrum of a study)',
    ]);
    expect(findings(cols.replace(',127.76,30,press', ',127.76,-3,flash'))).toEqual([
      "line 2 (data/r0.RAW): te '-3' (expected a positive number in ms)",
      "line 2 (data/r0.RAW): sequence 'flash' (expected press, steam, slaser or fid)",
    ]);
  });

  it('refuses a water reference that is water-suppressed', () => {
    const w = write('ref-unsuppressed.nii.gz', 40, { waterSuppressed: false });
    const lines = good.split('\n');
    const rows = lines.slice(1).map((l, i) => `${l},${i === 0 ? 'data/s9.nii.gz' : w}`);
    expect(findings([`${lines[0]},water`, ...rows].join('\n'))).toEqual([
      `line 2 (data/s0.nii.gz): water reference ${join(dir, 'data', 's9.nii.gz')} is water-suppressed (header) (expected an unsuppressed reference)`,
    ]);
  });

  it('refuses a hint that contradicts the header', () => {
    const cols = [
      'file,group,role,te',
      ...good
        .split('\n')
        .slice(1)
        .map((r, i) => `${r},${i === 0 ? 20 : ''}`),
    ];
    expect(findings(cols.join('\n'))).toEqual([
      "line 2 (data/s0.nii.gz): te given as 20 ms, the file's header says 30 ms",
    ]);
  });
});

describe('livermrs study --manifest refuses before any work', () => {
  it('exit 2 with one line per finding, and no output folder', async () => {
    const bad = good
      .replace('data/s3.nii.gz,cirrhosis,test', 'data/s0.nii.gz,cirrhosis,test')
      .replace('data/s8.nii.gz', write('unsuppressed2.nii.gz', 21, { waterSuppressed: false }));
    writeFileSync(file, bad);
    const out = join(dir, 'refused');
    expect(await runCli(['study', '--manifest', file, '--out', out, '--quiet'])).toBe(2);
    expect(io.err).toBe(
      `livermrs: ${file}: 2 problems, nothing was run:\n` +
        '  line 5 (data/s0.nii.gz): the same file as line 2 (data/s0.nii.gz) (expected each spectrum once)\n' +
        '  line 10 (data/unsuppressed2.nii.gz): water-unsuppressed (header: water suppression off); the study analyses water-suppressed spectra (an unsuppressed reference belongs in the water column)\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('--sw, --frequency, --te and --sequence need --manifest', async () => {
    expect(await runCli(['study', '--sw', '2000', '--out', join(dir, 'x'), '--quiet'])).toBe(2);
    expect(io.err).toBe('livermrs: --sw needs --manifest\n');
  });
});
