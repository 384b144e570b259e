import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { manifestDesign, parseManifest } from '../../src/study/manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'livermrs-manifest-'));
mkdirSync(join(dir, 'data'));
for (let i = 0; i < 10; i++) writeFileSync(join(dir, 'data', `s${i}.nii.gz`), 'x');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'manifest.csv');

const good = [
  'file,group,role',
  ...[0, 1, 2, 3].map((i) => `data/s${i}.nii.gz,LC,${i < 3 ? 'prior' : 'test'}`),
  ...[4, 5, 6, 7, 8].map((i) => `data/s${i}.nii.gz,LC-HCC,${i < 7 ? 'prior' : 'test'}`),
].join('\n');

function error(text: string, positive?: string): InputError {
  try {
    parseManifest(text, file, positive);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('study manifest', () => {
  it('reads files relative to the manifest, two groups, the second listed positive by default', () => {
    const m = parseManifest(good, file);
    expect(m.groups).toEqual(['LC', 'LC-HCC']);
    expect(m.entries[0].file).toBe(join(dir, 'data', 's0.nii.gz'));
    expect(m.entries[0].line).toBe(2);
    expect(manifestDesign(m)).toEqual({ groups: ['LC', 'LC-HCC'], prior: [3, 3], test: [1, 2] });
    expect(parseManifest(good, file, 'LC').groups).toEqual(['LC-HCC', 'LC']);
  });

  it('names the file, line and column of each problem', () => {
    expect(error('file,group\ndata/s0.nii.gz,LC').message).toMatch(/manifest\.csv: line 1: no column 'role'/);
    const badRole = good.replace('data/s1.nii.gz,LC,prior', 'data/s1.nii.gz,LC,train');
    expect(error(badRole).message).toMatch(
      /line 3, column role: role 'train' \(expected 'prior' or 'test'\)/,
    );
    const missing = good.replace('data/s2.nii.gz', 'data/nope.nii.gz');
    expect(error(missing).message).toMatch(/line 4, column file: file not found: .*nope\.nii\.gz/);
    const empty = good.replace('data/s2.nii.gz,LC', ',LC');
    expect(error(empty).message).toMatch(/line 4, column file: empty file name/);
    expect(error(`${good}\ndata/s9.nii.gz,HCC,test`).message).toMatch(/3 group\(s\): LC, LC-HCC, HCC/);
    const fewPrior = good.replace('data/s2.nii.gz,LC,prior', 'data/s2.nii.gz,LC,test');
    expect(error(fewPrior).message).toMatch(
      /group 'LC' has 2 prior and 2 test spectra \(expected at least 3 prior/,
    );
    expect(error(good, 'HCC').message).toMatch(/positive group 'HCC' is not in the manifest/);
    expect(error('file,group,role\n').message).toMatch(/no spectra listed/);
    expect(error('file,group,role\na,b').message).toMatch(/row 1: 2 fields/);
  });

  it('wants a water reference for every spectrum or for none', () => {
    const lines = good.split('\n');
    const withWater = [
      `${lines[0]},water`,
      ...lines.slice(1).map((l, i) => `${l},${i === 0 ? 'data/s9.nii.gz' : ''}`),
    ];
    expect(error(withWater.join('\n')).message).toMatch(/1 of 9 rows have a water reference/);
    const all = [`${lines[0]},water`, ...lines.slice(1).map((l) => `${l},data/s9.nii.gz`)];
    expect(
      parseManifest(all.join('\n'), file).entries.every((e) => e.water === join(dir, 'data', 's9.nii.gz')),
    ).toBe(true);
    const gone = [`${lines[0]},water`, ...lines.slice(1).map((l) => `${l},data/none.nii.gz`)];
    expect(error(gone.join('\n')).message).toMatch(/line 2, column water: file not found/);
  });
});
