import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quantifyFile } from '../../src/analysis/networks.js';
import { defaultModelsDir, readEnsemble } from '../../src/networks/bundle.js';
import { ensembleAnswer, ensembleCheck } from '../../src/networks/ensemble.js';
import { writeLiverSpectrum } from '../helpers/liver-spectrum.js';

/**
 * A deep ensemble of qCNNs (networks/ensemble.ts): the mean of the members and the variance of their mixture;
 * `quantify` finds the members beside the model (member2-qcnn.*) and answers with the ensemble.
 */
const tmp = mkdtempSync(join(tmpdir(), 'livermrs-ensemble-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A models directory holding the given files of the shipped models under the given names. */
function modelsDir(name: string, files: [string, string][]): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const shipped = defaultModelsDir();
  for (const [from, to] of files) copyFileSync(join(shipped, from), join(dir, to));
  return dir;
}

const ext = ['onnx', 'json', 'guard.json', 'training.json'];
const copyAs = (fromStem: string, toStem: string) =>
  ext.map((e) => [`${fromStem}.${e}`, `${toStem}.${e}`] as [string, string]);

describe('deep ensemble of qCNNs', () => {
  it('mean of the members, mixture variance: mean of the variances plus the variance of the means', () => {
    const a = { components: ['A', 'B'], values: [1, 10], sd: [1, 2] };
    const b = { components: ['A', 'B'], values: [3, 10], sd: [1, 0] };
    const e = ensembleAnswer([a, b]);
    expect(e.values).toEqual([2, 10]);
    // A: (1 + 1)/2 + ((1 − 2)² + (3 − 2)²)/2 = 2; B: (4 + 0)/2 + 0 = 2.
    expect(e.sd[0]).toBeCloseTo(Math.SQRT2, 14);
    expect(e.sd[1]).toBeCloseTo(Math.SQRT2, 14);
    expect(ensembleAnswer([a, a])).toEqual(a);
    expect(() => ensembleAnswer([a, { ...b, components: ['A', 'C'] }])).toThrow(/different components/);
  });

  it('the worst status of the members, with every reason', () => {
    const c = ensembleCheck([
      { status: 'ok' as const, reasons: [] },
      { status: 'doubtful' as const, reasons: ['T² beyond its 99.5 % limit'] },
    ]);
    expect(c).toEqual({ status: 'doubtful', reasons: ['ensemble member 2: T² beyond its 99.5 % limit'] });
    expect(
      ensembleCheck([
        { status: 'doubtful' as const, reasons: ['x'] },
        { status: 'failed' as const, reasons: [] },
      ]).status,
    ).toBe('failed');
  });

  it('quantify answers with the ensemble of the shipped members; a copy of the model as member changes nothing', async () => {
    const file = join(tmp, 'liver.nii.gz');
    writeLiverSpectrum(file, 11, 3);
    const shipped = readEnsemble(defaultModelsDir(), 'quantify');
    expect(shipped.length).toBe(2);
    // Each member alone, as the only qCNN of a directory.
    const one = await quantifyFile(file, { model: modelsDir('one', copyAs('qcnn', 'qcnn')) });
    const two = await quantifyFile(file, { model: modelsDir('two', copyAs('member2-qcnn', 'qcnn')) });
    const both = await quantifyFile(file);
    expect(both.model).toMatch(/deep ensemble of 2 networks/);
    expect(both.status).not.toBe('failed');
    for (const [k, c] of both.components.entries()) {
      const a = one.components[k];
      const b = two.components[k];
      expect(c.amplitude).toBeCloseTo((a.amplitude + b.amplitude) / 2, 12);
      const v = (a.sd ** 2 + b.sd ** 2) / 2 + ((a.amplitude - b.amplitude) / 2) ** 2;
      expect(c.sd).toBeCloseTo(Math.sqrt(v), 12);
    }
    // The same network twice is that network.
    const twice = await quantifyFile(file, {
      model: modelsDir('twice', [...copyAs('qcnn', 'qcnn'), ...copyAs('qcnn', 'member2-qcnn')]),
    });
    for (const [k, c] of twice.components.entries()) {
      expect(c.amplitude).toBeCloseTo(one.components[k].amplitude, 12);
      expect(c.sd).toBeCloseTo(one.components[k].sd, 12);
    }
  });
});
