import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWaterFatCohort } from '../../src/simulate/cohort-files.js';
import { drawWaterFatTruth } from '../../src/simulate/water-fat-cohort.js';
import { Rng } from '../../src/core/random.js';
import { WaterFatFitter } from '../../src/fit/water-fat/water-fat-fit.js';
import { simulateWaterFat } from '../../src/simulate/water-fat.js';
import { describe, expect, it } from 'vitest';
import { acquisitionOf, applyTimingOption } from '../../src/core/acquisition.js';
import type { Fid } from '../../src/core/fid.js';
import { formatValueSd } from '../../src/core/format.js';
import { toFid } from '../../src/core/mrs-data.js';
import { decideWaterSuppression, type SuppressionDecision } from '../../src/fit/water-fat/detect.js';
import { referenceWaterFat } from '../../src/fit/water-fat/referencing.js';
import { relaxationFor, seriesT1 } from '../../src/fit/water-fat/relaxation.js';
import { readLcmRaw } from '../../src/io/lcmodel/raw.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { analysableFids } from '../../src/preproc/analysable.js';

/** The built-in water–fat cohort (data/cohorts/water-fat/body.yaml), as `livermrs simulate --water-fat` draws. */
const BODY = loadWaterFatCohort().cohort;

/**
 * Which analysis each real file of test/extdata gets (fit/water-fat/detect.ts), from its header where the header
 * says and from the spectrum otherwise, with the decision's source and the evidence's numbers: one test per
 * vendor. Suppressed spectra go to the metabolite fit, water references to the water–fat fit.
 */
const X = 'test/extdata/';

function decide(fid: Fid): SuppressionDecision {
  const acq = acquisitionOf(fid);
  return decideWaterSuppression(
    'auto',
    acq.waterSuppressed,
    referenceWaterFat(fid),
    fid,
    acq.sources?.waterSuppressed,
  );
}
const file = (f: string) => decide(analysableFids(readMrsFile(X + f))[0]);
const raw = (f: string, sw: number, mhz: number) =>
  decide(readLcmRaw(readFileSync(X + f, 'latin1'), f, { dwellTime: 1 / sw, spectrometerFrequency: mhz }));
/** The water/metabolite ratio the evidence sentence states, as a number. */
const ratio = (d: SuppressionDecision) =>
  Number(/water (?:≥ )?([\d,.]+)×/.exec(d.evidence ?? '')?.[1].replace(/,/g, ''));

describe('routing of real files (header first, then the spectrum)', () => {
  it('Siemens: the DICOM protocol says ucWaterSat 32 (suppressed); the .rda of the same scan has no such field', () => {
    const ima = file('siemens/suspect_SVS_30.IMA');
    expect(ima).toMatchObject({
      suppressed: true,
      source: 'header',
      analysis: 'metabolites',
      headerKey: 'header:sPrepPulses.ucWaterSat = 32',
    });
    const rda = file('siemens/suspect_SVS_30.rda');
    expect(rda).toMatchObject({ suppressed: true, source: 'spectrum', analysis: 'metabolites' });
    expect(ratio(rda)).toBe(127);
    // 1.5 T Symphony .rda: residual water only 157× its creatine/choline.
    expect(ratio(file('siemens/tarquin_example.rda'))).toBe(157);
    expect(file('siemens/tarquin_example.rda').analysis).toBe('metabolites');
  });

  it('Philips: no SPAR field; the water reference has water ≥ 3,962× any metabolite peak, the suppressed scan 17×', () => {
    const w = file('philips/spant_philips_spar_sdat_W.SDAT');
    expect(w).toMatchObject({ suppressed: false, source: 'spectrum', analysis: 'water-fat' });
    expect(w.ambiguous).toBeUndefined();
    expect(ratio(w)).toBe(3962);
    const ws = file('philips/spant_philips_spar_sdat_WS.SDAT');
    expect(ws).toMatchObject({ suppressed: true, source: 'spectrum', analysis: 'metabolites' });
    expect(ratio(ws)).toBe(17);
    // The TARQUIN "ref" files hold a suppressed spectrum like their WS twins (water 5.5× and 37× the metabolites).
    expect(ratio(file('philips/tarquin_svs_30_ref.SDAT'))).toBe(5.5);
    expect(file('philips/tarquin_svs_135_ref.SDAT').analysis).toBe('metabolites');
  });

  it('GE: the P-file header separates the suppressed frames from the water reference frames', () => {
    const mrs = readMrsFile(`${X}ge/tarquin_P1751_1.5T_030_2000.7`);
    const metab = decide(analysableFids(mrs)[0]);
    expect(metab).toMatchObject({ suppressed: true, source: 'header', analysis: 'metabolites' });
    expect(metab.headerKey).toMatch(/^header:rhuser19 = \d+ \(frames after the water reference\)$/);
    const ref = decide(toFid(mrs.reference!, 0));
    expect(ref).toMatchObject({ suppressed: false, source: 'header', analysis: 'water-fat' });
    expect(ref.headerKey).toMatch(/unsuppressed reference frames/);
  });

  it('NIfTI-MRS (7 T STEAM): no WaterSuppressed key; metabolites 2.7×, water references ≥ 1,217×', () => {
    const metab = file('nifti_mrs_7T_steam_fmrib/metab.nii.gz');
    expect(metab).toMatchObject({ suppressed: true, source: 'spectrum' });
    expect(ratio(metab)).toBe(2.7);
    for (const [f, r] of [
      ['wref_raw', 1217],
      ['quant_raw', 3744],
      ['ecc', 2767],
    ] as const) {
      const d = file(`nifti_mrs_7T_steam_fmrib/${f}.nii.gz`);
      expect(d, f).toMatchObject({ suppressed: false, source: 'spectrum', analysis: 'water-fat' });
      expect(ratio(d)).toBe(r);
    }
  });

  it('LCModel: .H2O is the water reference by name; .RAW pairs routed by their spectra', () => {
    const h2o = raw('ismrm2016_fitting_challenge/datasets_LCModel/dataset1.H2O', 4000, 123.2);
    expect(h2o).toMatchObject({
      suppressed: false,
      source: 'header',
      headerKey: 'file-name:.H2O (LCModel water reference)',
    });
    const ws = raw('ismrm2016_fitting_challenge/datasets_LCModel/dataset1.RAW', 4000, 123.2);
    expect(ws).toMatchObject({ suppressed: true, source: 'spectrum', analysis: 'metabolites' });
    expect(ratio(ws)).toBe(0.67);
    // All 28 challenge pairs, their .H2O files read as plain .RAW (no file-name rule): the spectrum alone.
    for (let i = 1; i <= 28; i++) {
      const dir = 'ismrm2016_fitting_challenge/datasets_LCModel';
      const text = (ext: string) => readFileSync(`${X}${dir}/dataset${i}.${ext}`, 'latin1');
      const asRaw = (ext: string) =>
        decide(readLcmRaw(text(ext), `d${i}.raw`, { dwellTime: 1 / 4000, spectrometerFrequency: 123.2 }));
      expect(asRaw('RAW'), `dataset${i}.RAW`).toMatchObject({ suppressed: true, source: 'spectrum' });
      expect(asRaw('H2O'), `dataset${i}.H2O`).toMatchObject({ suppressed: false, source: 'spectrum' });
    }
    expect(raw('lcmodel/tarquin_LCM_W.RAW', 2000, 127.76)).toMatchObject({
      suppressed: false,
      source: 'spectrum',
    });
    expect(raw('lcmodel/tarquin_LCM_WS.RAW', 2000, 127.76)).toMatchObject({
      suppressed: true,
      source: 'spectrum',
    });
  });
});

describe('acquisition from the header, with sources', () => {
  it('every reader records the field each value came from', () => {
    const ima = acquisitionOf(toFid(readMrsFile(`${X}siemens/suspect_SVS_30.IMA`), 0));
    expect(ima).toMatchObject({
      sequence: 'press',
      echoTime: 0.03,
      repetitionTime: 2,
      waterSuppressed: true,
    });
    expect(ima.sources).toMatchObject({
      waterSuppressed: 'header:sPrepPulses.ucWaterSat = 32',
      sequence: 'header:SequenceName',
      echoTime: 'header:EchoTime',
    });
    const rda = acquisitionOf(toFid(readMrsFile(`${X}siemens/suspect_SVS_30.rda`), 0));
    expect(rda.waterSuppressed).toBeUndefined();
    expect(rda.sources).toMatchObject({ echoTime: 'header:TE', spectrometerFrequency: 'header:MRFrequency' });
    const sdat = acquisitionOf(toFid(readMrsFile(`${X}philips/spant_philips_spar_sdat_W.SDAT`), 0));
    expect(sdat).toMatchObject({ sequence: 'press', echoTime: 0.03 });
    expect(sdat.sources).toMatchObject({ sequence: 'header:scan_id', echoTime: 'header:echo_time' });
    // .RAW: the $SEQPAR block (SEQ, ECHOT, HZPPPM) and what the caller gave.
    const text = ` $SEQPAR\n SEQ = 'PRESS'\n ECHOT = 30.\n HZPPPM = 123.2\n $END\n $NMID ID='x', FMTDAT='(2E15.6)' $END\n 1. 0.\n 0.5 0.\n 0.25 0.\n 0.1 0.\n`;
    const fid = readLcmRaw(text, 'x.RAW', { dwellTime: 1 / 2000 });
    expect(acquisitionOf(fid)).toMatchObject({
      sequence: 'press',
      echoTime: 0.03,
      spectrometerFrequency: 123.2,
    });
    expect(fid.acquisition?.sources).toMatchObject({
      sequence: 'header:$SEQPAR SEQ',
      echoTime: 'header:$SEQPAR ECHOT',
      spectrometerFrequency: 'header:$SEQPAR HZPPPM',
    });
    // A --te that contradicts ECHOT is refused, naming both; --force takes it and records 'option'.
    expect(() => applyTimingOption(fid, 'echoTime', 0.035, false, 'x.RAW')).toThrow(
      /--te 35 ms contradicts the header's 30 ms.*--force/,
    );
    applyTimingOption(fid, 'echoTime', 0.03, false);
    applyTimingOption(fid, 'echoTime', 0.035, true);
    expect(fid.echoTime).toBe(0.035);
    expect(fid.acquisition?.sources?.echoTime).toBe('option');
  });
});

describe('relaxation per tissue and field', () => {
  it('tables at 3 and 1.5 T, the user’s values, and no T1 factor without a TR', () => {
    const at3 = { spectrometerFrequency: 123.2 };
    const liver = relaxationFor({}, at3, 0.03, 2);
    expect(liver).toMatchObject({ waterT2: 0.034, fatT2: 0.068, waterT1: 0.809, fatT1: 0.382 });
    expect(liver?.applied).toMatch(
      /^T2 water\/fat 34\/68 ms, T1 water\/fat 809\/382 ms with TR 2000 ms — liver/,
    );
    // Vertebral marrow water T2 at 3 T is 21.1 ms (Ruschke 2021), not the liver's 34.
    expect(relaxationFor({ tissue: 'marrow' }, at3, 0.03, 2)?.waterT2).toBe(0.0211);
    // 1.5 T (63.9 MHz): de Bazelaire's 1.5 T column.
    expect(relaxationFor({}, { spectrometerFrequency: 63.87 }, 0.03, 2)).toMatchObject({
      waterT2: 0.046,
      waterT1: 0.586,
    });
    const noTr = relaxationFor({ tissue: 'marrow' }, at3, 0.03, undefined);
    expect(noTr?.waterT1).toBeUndefined();
    expect(noTr?.applied).toMatch(/no T1 factor \(TR unknown: give --tr\)/);
    const own = relaxationFor({ waterT2: 0.025 }, at3, 0.03, 2);
    expect(own?.waterT2).toBe(0.025);
    expect(own?.applied).toMatch(/given: waterT2/);
    expect(relaxationFor({ tissue: 'other' }, at3, 0.03, 2)?.applied).toMatch(/PDFF = signal fat fraction/);
    expect(relaxationFor({}, at3, undefined, 2)).toBeUndefined();
    expect(seriesT1({ tissue: 'muscle' }, at3)).toMatchObject({ waterT1: 0.898, fatT1: 0.382 });
  });

  it('values are rounded to their SD', () => {
    expect(formatValueSd(1.874, 0.43, ' %')).toBe('1.9 ± 0.4 %');
    expect(formatValueSd(2.1, 0.05)).toBe('2.10 ± 0.05');
    expect(formatValueSd(4110, 540)).toBe('4100 ± 500');
    expect(formatValueSd(12.3456, 0.0123)).toBe('12.346 ± 0.012');
  });
});

describe('fit CLI on real water references', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { encoding: 'utf8' });
  const w = `${X}philips/spant_philips_spar_sdat_W.SDAT`;

  it('records the analysis and its source in results.json and on the CLI line; --water that does not exist is exit 2', () => {
    const r = cli('fit', w, '--json', '--tissue', 'marrow');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.kind).toBe('water-fat');
    expect(res.analysis).toBe(
      'water–fat fit (water not suppressed), from the spectrum (water ≥ 3,962× the largest metabolite peak)',
    );
    expect(res.relaxation).toMatch(
      /^T2 water\/fat 21\.1\/68 ms, T1 water\/fat 586\/382 ms with TR 2000 ms — marrow/,
    );
    // The water line is the reference lineshape (the default): what misfit is left is not there, and the
    // residual judged is the one with the non-fat lines (brain metabolites) fitted beside water and fat.
    expect(res.lineshape.model).toBe('reference');
    expect(res.statusReasons.join(' ')).toMatch(
      /residual is [\d.]+× the noise \(with the non-fat lines; [\d.]+× without them, lineshape or model mismatch/,
    );
    // With Voigt lines the residual warning names the water line, where their misfit is.
    const voigt = JSON.parse(cli('fit', w, '--json', '--lineshape', 'voigt').stdout);
    expect(voigt.statusReasons.join(' ')).toMatch(
      /residual is [\d.]+× the noise \(with the non-fat lines; [\d.]+× without them, at the water line/,
    );
    // One water line kept: a second lowers the residual by under 20 % on this file.
    expect(res.waterLines.used).toBe(1);
    // The same decision on the CLI line, as the last row of water-fat.csv and in the report's first lines.
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-route-'));
    try {
      const o = cli('fit', w, '--out', dir);
      expect(o.status, o.stderr).toBe(0);
      expect(o.stderr).toMatch(
        /\[water–fat fit \(water not suppressed\), from the spectrum \(water ≥ 3,962×/,
      );
      const csv = readFileSync(join(dir, 'water-fat.csv'), 'utf8').trim().split('\n');
      expect(csv.find((l) => l.includes('PDFF correction'))).toMatch(
        /T2 water\/fat 34\/68 ms, T1 water\/fat 809\/382 ms with TR 2000 ms/,
      );
      expect(csv.at(-1)).toMatch(/^,analysis,,,"water–fat fit \(water not suppressed\), from the spectrum/);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html.indexOf('from the spectrum (water')).toBeGreaterThan(0);
      expect(html.indexOf('from the spectrum (water')).toBeLessThan(html.indexOf('Water and fat'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const missing = cli('fit', w, '--water', `${X}philips/no-such-file.SDAT`, '--json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no-such-file\.SDAT.*file not found/);
  });

  it('a metabolite fit of a spectrum whose water line is intact is never ok, even when forced', () => {
    const r = cli('fit', w, '--analysis', 'metabolites', '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.kind).toBe('metabolites');
    expect(res.analysis).toBe(
      'metabolite fit (water-suppressed), from the command line (--analysis or --water-suppression)',
    );
    expect(res.status).toBe('doubtful');
    expect(res.statusReasons.join(' ')).toMatch(
      /the water line is intact \(water ≥ 3,962× the largest metabolite peak\).*--water-suppression off/,
    );
  });

  it('info prints every acquisition value with the header field it came from', () => {
    const r = cli('info', `${X}siemens/suspect_SVS_30.IMA`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/waterSuppressed +yes \(header:sPrepPulses\.ucWaterSat = 32\)/);
    expect(r.stdout).toMatch(/echoTime +30 ms \(header:EchoTime\)/);
    const rda = cli('info', `${X}siemens/suspect_SVS_30.rda`);
    expect(rda.stdout).toMatch(
      /waterSuppressed +not in the header \(livermrs fit decides from the spectrum\)/,
    );
  });

  it('a --te that contradicts the header is refused unless --force', () => {
    const bad = cli('fit', w, '--te', '35', '--json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--te 35 ms contradicts the header's 30 ms/);
    const forced = cli('fit', w, '--te', '35', '--force', '--json');
    expect(forced.status, forced.stderr).toBe(0);
  });
});

describe('routing of simulated marrow without a header', () => {
  it('fatty marrow (PDFF 60–95 %) goes to the water–fat fit, also with eddy currents that make its lines non-Voigt', () => {
    const rng = new Rng(2102);
    let waterFat = 0;
    for (let i = 0; i < 20; i++) {
      const truth = {
        ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.6 + 0.35 * rng.uniform() }),
        ...(i % 2
          ? { eddyCurrent: { phaseRad: 0.5 + rng.uniform(), tauS: 0.01 + 0.02 * rng.uniform() } }
          : {}),
      };
      const fid = simulateWaterFat(truth, [0.03], rng).fids[0];
      const d = decideWaterSuppression('auto', undefined, referenceWaterFat(fid), fid);
      if (d.analysis === 'water-fat' && !d.ambiguous) waterFat++;
      // The old rule (water share of water + fat < 35 % → suppressed) sent every one to the metabolite fit.
      expect(decideWaterSuppression('auto', undefined, referenceWaterFat(fid)).suppressed).toBe(true);
    }
    expect(waterFat).toBe(20);
  });
});

describe('physically impossible fat ends as failed', () => {
  it('a "triglyceride" with 60-carbon chains: the chain model fits CL far outside 10–30 and the result fails', () => {
    const rng = new Rng(60);
    const truth = {
      ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.5 }),
      snr: 400,
      offsetPpm: 0,
      composition: { chainLength: 60, doubleBonds: 1.9, midb: 0.3 },
    };
    const fid = simulateWaterFat(truth, [0.03], rng).fids[0];
    const r = new WaterFatFitter(fid, { fatModel: 'chain' }).fit(fid);
    expect(r.composition?.chainLength.value).toBeGreaterThan(30);
    expect(r.status.status).toBe('failed');
    expect(r.status.reasons.join(' ')).toMatch(/chain length outside 10–30 carbons/);
    // Hamilton's liver composition (CL 17.45) passes on the same draw.
    const ok = simulateWaterFat({ ...truth, composition: undefined }, [0.03], rng).fids[0];
    const good = new WaterFatFitter(ok, { fatModel: 'chain' }).fit(ok);
    expect(good.status.status).not.toBe('failed');
    expect(Math.abs((good.composition?.chainLength.value ?? 0) - 17.45)).toBeLessThan(
      3 * (good.composition?.chainLength.sd ?? 0) + 0.5,
    );
  });
});
