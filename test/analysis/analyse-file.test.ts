import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseFile, type AnalysisResult } from '../../src/analysis/analyse-file.js';
import { readSpectra } from '../../src/analysis/input.js';
import { resultsJson } from '../../src/analysis/results-json.js';
import { readSingleFid } from '../../src/networks/read-spectrum.js';
import { CHALLENGE, EXTDATA } from '../paths.js';

/**
 * analyseFile, the `fit` pipeline as a library call, on real files: a path and the same bytes give the same
 * result, and the results are the known answers of these files.
 */
const bytesOf = (path: string) => ({ bytes: new Uint8Array(readFileSync(path)), name: path });
/** results.json without the fit's duration (the only field that differs between two runs). */
const json = (r: AnalysisResult) =>
  JSON.parse(JSON.stringify(resultsJson(r), (k, v) => (k === 'seconds' ? undefined : v)));

describe('analyseFile', () => {
  const dir = `${CHALLENGE}/Cr_water_scaling_LCModel`;
  const cr = {
    preset: 'ismrm2016' as const,
    basis: `${CHALLENGE}/basisset_LCModel/press3T_30ms.BASIS`,
    sw: 4000,
    frequency: 123.2,
    reference: 'Cr+PCr',
  };

  it('the Cr-only water-scaling set: 10.78 mM Cr+PCr (FSL-MRS on these files), from a path or from bytes', async () => {
    const fromPath = await analyseFile(`${dir}/Cr_10mM_test_water_scaling.RAW`, {
      ...cr,
      water: `${dir}/Cr_10mM_test_water_scaling.H2O`,
    });
    expect(fromPath.kind).toBe('metabolites');
    if (fromPath.kind !== 'metabolites') return;
    const tcr = fromPath.quantification.components.find((c) => c.name === 'Cr+PCr')?.concentration as number;
    // 10 mM × 29697/27432 (the H2O file's own water amplitude, test/fit/challenge.test.ts): FSL-MRS 10.78.
    expect(Math.abs(tcr - 10.78) / 10.78).toBeLessThan(0.015);
    expect(fromPath.status).not.toBe('failed');
    const fromBytes = await analyseFile(bytesOf(`${dir}/Cr_10mM_test_water_scaling.RAW`), {
      ...cr,
      water: bytesOf(`${dir}/Cr_10mM_test_water_scaling.H2O`),
    });
    expect(json(fromBytes)).toEqual(json(fromPath));
  });

  it('a water-unsuppressed Philips reference goes to the water–fat fit by its spectrum; bytes need the SPAR', async () => {
    const sdat = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_W.SDAT');
    const r = await analyseFile(sdat, { preset: 'liver' });
    expect(r.kind).toBe('water-fat');
    if (r.kind !== 'water-fat') return;
    expect(r.waterSuppression).toMatchObject({ suppressed: false, source: 'spectrum' });
    // Brain water reference: the fat is the eddy-current distortion of the water line, removed by the
    // self-correction (test/fit/water-fat-ecc.test.ts: > 8 % without it).
    expect(r.eddyCurrentCorrection.applied).toBe(true);
    expect(r.result.signalFatFraction?.value).toBeLessThan(2);
    const spar = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_W.SPAR');
    const withSpar = {
      ...bytesOf(sdat),
      companions: { 'spant_philips_spar_sdat_W.SPAR': bytesOf(spar).bytes },
    };
    expect(json(await analyseFile(withSpar, { preset: 'liver' }))).toEqual(json(r));
    await expect(analyseFile(bytesOf(sdat), { preset: 'liver' })).rejects.toThrow(/SPAR/);
  });
});

describe('reading an input', () => {
  it('a .RAW the LCModel detector does not recognise is read by the .RAW reader, which says what is missing', () => {
    const bad = { bytes: new TextEncoder().encode('not a raw file\n1 2\n3 4\n'), name: 'x.RAW' };
    // Before, only `fit` had this fallback; quantify and classify (readSingleFid) said "unknown file format".
    expect(() => readSingleFid(bad, { dwellTime: 2.5e-4, spectrometerFrequency: 123.2 })).toThrow(
      /x\.RAW.*\$NMID/,
    );
    expect(() => readSpectra(bad, { sw: 4000, frequency: 123.2 })).toThrow(/x\.RAW.*\$NMID/);
    expect(() => readSpectra({ ...bad, name: 'x.dat' }, {})).toThrow(/x\.dat: unknown file format/);
  });

  it('--te and --sw in the command line units (ms, Hz) become the header values (s)', () => {
    const path = `${CHALLENGE}/datasets_LCModel/dataset1.RAW`;
    const [fid] = readSpectra(path, { sw: 4000, frequency: 123.2, te: 30 });
    expect(fid.dwellTime).toBe(1 / 4000);
    expect(fid.echoTime).toBeCloseTo(0.03, 12);
  });
});
