import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { register as registerClassify } from '../../src/cli/commands/classify.js';
import { register as registerQuantify } from '../../src/cli/commands/quantify.js';
import { register as registerSimulate } from '../../src/cli/commands/simulate.js';
import { register as registerStudy } from '../../src/cli/commands/study.js';
import { register as registerTrain } from '../../src/cli/commands/train.js';
import { reportError } from '../../src/cli/program.js';
import type { Fid } from '../../src/core/fid.js';
import { fromFid } from '../../src/core/mrs-data.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { loadNetwork } from '../../src/nn/engine.js';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { parseCohort } from '../../src/simulate/cohort-schema.js';
import { parseCsv } from '../../src/io/csv.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { ARCHITECTURES } from '../../src/networks/architectures.js';
import { cohortGrid, cohortProtocol, combineCohorts } from '../../src/networks/cohorts.js';
import { simulateBlock } from '../../src/networks/training-data.js';
import { ILLUSTRATIVE_NOTE, readBundle, type TrainingRecord } from '../../src/networks/bundle.js';
import { inputPipeline } from '../../src/networks/input.js';
import { prepareForBundle, quantifyWithBundle } from '../../src/networks/onnx-inference.js';
import { readSingleFid } from '../../src/networks/read-spectrum.js';
import { predictQcnn, type QcnnModel, trainQcnn } from '../../src/networks/qcnn.js';
import { drawPatients, PAPER_DESIGN, repeatSeed } from '../../src/study/virtual-study.js';
import { parseModelMetadata } from '../../src/networks/contract.js';

/**
 * Every stage of the study connected on a tiny configuration (small networks, ~1000 training spectra, one
 * repeat, 24 held-out spectra): the numbers are meaningless, the plumbing and the output contracts are not.
 */
const dir = mkdtempSync(join(tmpdir(), 'livermrs-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  try {
    const program = new Command('livermrs').exitOverride();
    for (const r of [registerStudy, registerTrain, registerQuantify, registerClassify, registerSimulate])
      r(program);
    for (const c of program.commands) c.exitOverride();
    try {
      await program.parseAsync(argv, { from: 'user' });
      return { code: 0, out: out.join(''), err: err.join('') };
    } catch (e) {
      return { code: reportError(e), out: out.join(''), err: err.join('') };
    }
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

const TINY = [
  '--train-spectra',
  '1024',
  '--quant-train-spectra',
  '1024',
  '--epochs',
  '1',
  '--architecture',
  'small',
  '--threads',
  '2',
  '--quiet',
];

/** Mann–Whitney AUC (ties count one half): the share of (positive, negative) pairs ranked right. */
function mannWhitney(labels: number[], p: number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < p.length; j++) {
      if (labels[j] !== 0) continue;
      s += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
      n++;
    }
  }
  return s / n;
}

/**
 * The Bayes posterior of LC-HCC from a patient's true amplitudes under the hidden truth cohort, written out from
 * the numbers of data/cohorts/truth-hbv.yaml: the two groups differ only in Cho, GPC, PCh (lognormal marginals
 * with a Gaussian copula: a normal density of the log amplitudes, correlation 0.30 / 0.45 / 0.35, the same in
 * both groups), Glyc, Lac and GSH (independent lognormals); every other factor cancels. Lognormal (mean m, SD
 * s): σ² = ln(1 + s²/m²), μ = ln m − σ²/2. Class prior 17/37 (the paper design's 17 LC-HCC of 37).
 */
function truthPosterior(x: Record<string, number>): number {
  const groups = {
    LC: {
      Cho: [0.55, 0.2],
      GPC: [0.85, 0.3],
      PCh: [0.45, 0.16],
      Glyc: [38, 15],
      Lac: [1.4, 0.5],
      GSH: [3.2, 0.9],
    },
    HCC: {
      Cho: [0.66, 0.24],
      GPC: [0.98, 0.35],
      PCh: [0.7, 0.24],
      Glyc: [30, 12],
      Lac: [1.9, 0.65],
      GSH: [3.6, 1.0],
    },
  };
  // Inverse of the Cho/GPC/PCh correlation matrix [[1, .30, .45], [.30, 1, .35], [.45, .35, 1]] by cofactors.
  const r = [
    [1, 0.3, 0.45],
    [0.3, 1, 0.35],
    [0.45, 0.35, 1],
  ];
  const det =
    r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
    r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
    r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  const inv = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => {
      const rows = [0, 1, 2].filter((k) => k !== j);
      const cols = [0, 1, 2].filter((k) => k !== i);
      const minor = r[rows[0]][cols[0]] * r[rows[1]][cols[1]] - r[rows[0]][cols[1]] * r[rows[1]][cols[0]];
      return ((i + j) % 2 ? -minor : minor) / det;
    }),
  );
  const logDensity = (g: Record<string, number[]>) => {
    const score = (name: string) => {
      const [m, s] = g[name];
      const v = Math.log(1 + (s / m) ** 2);
      return { z: (Math.log(x[name]) - (Math.log(m) - v / 2)) / Math.sqrt(v), logSigma: 0.5 * Math.log(v) };
    };
    const c = ['Cho', 'GPC', 'PCh'].map(score);
    let q = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) q += c[i].z * inv[i][j] * c[j].z;
    let out = -0.5 * q - c.reduce((a, t) => a + t.logSigma, 0);
    for (const name of ['Glyc', 'Lac', 'GSH']) {
      const t = score(name);
      out += -0.5 * t.z * t.z - t.logSigma;
    }
    return out;
  };
  const logOdds = logDensity(groups.HCC) - logDensity(groups.LC) + Math.log(17 / 20);
  return 1 / (1 + Math.exp(-logOdds));
}

/** One simulated truth-cohort spectrum written as a single-FID NIfTI-MRS file. */
let truthGenerator: SpectrumGenerator | undefined;
function writeSpectrum(file: string, group: number, index: number): Fid {
  if (!truthGenerator) {
    const loaded = loadCohort('truth-hbv');
    truthGenerator = new SpectrumGenerator(loaded.cohort, loadCohortBasis(loaded));
  }
  const patients = drawPatients(truthGenerator, PAPER_DESIGN, 1000 + index);
  const fid = patients[group === 0 ? 0 : 20].fid;
  writeFileSync(
    file,
    encodeNiftiMrs(fromFid({ ...fid, echoTime: 0.03 }), { gzip: true, dataType: 'complex64' }),
  );
  return fid;
}

describe('virtual study, end to end (tiny)', () => {
  const out = join(dir, 'study');

  it('livermrs study writes metrics, predictions, priors, report and models that connect', async () => {
    const r = await cli('study', '--repeats', '1', '--quant-spectra', '24', ...TINY, '--out', out, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary.repeats).toBe(1);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const pred = parseCsv(readFileSync(join(out, 'predictions.csv'), 'utf8'));
    const col = (c: string) => pred.header.indexOf(c);
    const tests = pred.rows.filter((row) => row[col('role')] === 'test');
    const labels = tests.map((row) => Number(row[col('label')]));
    expect(m.schema).toBe('livermrs-study');
    expect(m.schemaVersion).toBe(1);
    expect(m.repeatsCompleted).toBe(1);
    expect(m.summary.arms.map((a: { arm: string }) => a.arm)).toEqual([
      'ccnn',
      'conventional',
      'qcnnLogistic',
      'spectralBound',
      'oracle',
    ]);
    for (const [arm, a] of Object.entries(m.repeats[0].arms) as [
      string,
      Record<string, number> & { counts: Record<string, string> },
    ][]) {
      expect(a.tp + a.fn, arm).toBe(7);
      expect(a.tn + a.fp, arm).toBe(10);
      expect(a.counts.accuracy, arm).toBe(`${a.tp + a.tn}/17`);
      // The AUC and the counts at 0.5 are those of the probabilities written to predictions.csv (6 digits).
      const p = tests.map((row) => Number(row[col(`p_${arm}`)]));
      expect(a.auc, arm).toBeCloseTo(mannWhitney(labels, p), 2);
      expect(a.tp, arm).toBe(p.filter((x, i) => labels[i] === 1 && x >= 0.5).length);
      expect(a.tn, arm).toBe(p.filter((x, i) => labels[i] === 0 && x < 0.5).length);
      // The same test patients at the threshold chosen on the prior patients (Youden): same AUC, own counts.
      const y = m.repeats[0].youden[arm];
      expect(y.tp + y.fn, arm).toBe(7);
      expect(y.tn + y.fp, arm).toBe(10);
      expect(y.auc).toBe(a.auc);
      expect(Number.isFinite(y.threshold), arm).toBe(true);
    }
    // The headline gives both decision rules per arm: with one repeat, that repeat's counts.
    for (const h of summary.headline) {
      const a = m.repeats[0].arms[h.arm];
      const y = m.repeats[0].youden[h.arm];
      expect(h.atHalf.sensitivity, h.arm).toBeCloseTo(a.tp / 7, 12);
      expect(h.atHalf.specificity, h.arm).toBeCloseTo(a.tn / 10, 12);
      expect(h.atYouden.sensitivity, h.arm).toBeCloseTo(y.tp / 7, 12);
      expect(h.auc, h.arm).toBeCloseTo(a.auc, 12);
    }
    expect(summary.headline.map((h: { arm: string }) => h.arm)).toContain('spectralBound');
    expect(m.quantification.spectra).toBe(24);
    expect(m.quantification.components).toHaveLength(20);
    expect(m.quantification.samples).toBeUndefined();
    for (const c of m.quantification.components) {
      expect(Number.isFinite(c.qcnn.mae) && Number.isFinite(c.nlls.mae), c.component).toBe(true);
      expect(c.wilcoxon.p).toBeGreaterThan(0);
      expect(c.biasQcnn.bins).toHaveLength(5);
    }
    expect(pred.rows).toHaveLength(37);
    for (const row of pred.rows) {
      const p = row[col('p_oracle')];
      // The oracle is the analytic Bayes posterior of the patient's true amplitudes (written to 6 digits).
      const truth = Object.fromEntries(
        ['Cho', 'GPC', 'PCh', 'Glyc', 'Lac', 'GSH'].map((c) => [c, Number(row[col(`true_${c}`)])]),
      );
      if (row[col('role')] === 'test') expect(Number(p)).toBeCloseTo(truthPosterior(truth), 4);
      else expect(p).toBe('');
      expect(Number(row[col('true_L13')])).toBeGreaterThan(0);
    }
    expect(parseCsv(readFileSync(join(out, 'quantification.csv'), 'utf8')).rows).toHaveLength(20);
    const priors = parseCohort(readFileSync(join(out, 'priors.yaml'), 'utf8'), 'priors.yaml');
    expect(Object.keys(priors.groups)).toEqual(['LC', 'LC-HCC']);
    // Pooled nuisance: both groups got the same acquisition priors.
    expect(priors.groups.LC.nuisance).toEqual(priors.groups['LC-HCC'].nuisance);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Classification of the test patients');
    for (const stem of ['qcnn', 'ccnn']) {
      const json = JSON.parse(readFileSync(join(out, 'models', `${stem}.json`), 'utf8'));
      expect(parseModelMetadata(json, `${stem}.json`).task).toBe(stem === 'qcnn' ? 'quantify' : 'classify');
      // Trained on priors estimated from (virtual) patients: not flagged as illustrative.
      expect(json.description).not.toContain('ILLUSTRATIVE');
    }
    // One tiny study: about 2 minutes on a loaded 2-core machine (137 s measured), more than the default 120 s.
  }, 300_000);

  it('the exported ONNX qCNN gives the libtorch network numbers, and quantify/classify run it', async () => {
    const models = join(out, 'models');
    const file = join(dir, 'lc.nii.gz');
    writeSpectrum(file, 0, 1);
    const bundle = readBundle(models, 'quantify');
    const record = bundle.record as TrainingRecord;
    const fid = readSingleFid(file);
    const prepared = prepareForBundle(fid, bundle, file);
    const [onnx] = await quantifyWithBundle(bundle, [prepared]);
    const net = loadNetwork(join(models, 'qcnn.lmnn'));
    const torch = await predictQcnn(net, record.model as QcnnModel, {
      n: 1,
      inputs: prepared.input,
      norms: Float64Array.of(prepared.norm),
    });
    for (let k = 0; k < 20; k++) {
      expect(Math.abs(onnx.values[k] - torch.values[k])).toBeLessThanOrEqual(
        1e-4 * (Math.abs(torch.values[k]) + 1),
      );
      expect(Math.abs(onnx.sd[k] / torch.sd[k] - 1)).toBeLessThan(1e-4);
    }
    const q = await cli('quantify', file, '--model', models, '--json');
    expect(q.code).toBe(0);
    const qj = JSON.parse(q.out);
    expect(qj.components).toHaveLength(20);
    expect(qj.components.map((c: { amplitude: number }) => c.amplitude)).toEqual(
      onnx.values.map((v) => expect.closeTo(v, 6)),
    );
    // With a water reference: concentration = amplitude · 2·[H2O]·R_W / W (metabolites; lipids also / R_fat).
    const water = join(dir, 'water.nii.gz');
    const A = 1e5;
    const wdata = new Float64Array(2 * fid.points);
    for (let n = 0; n < fid.points; n++) wdata[2 * n] = A * Math.exp(-Math.PI * 12 * n * fid.dwellTime);
    writeFileSync(water, encodeNiftiMrs(fromFid({ ...fid, data: wdata, echoTime: 0.03 }), { gzip: true }));
    const qw = JSON.parse((await cli('quantify', file, '--model', models, '--water', water, '--json')).out);
    // Literature constants, written out: 55 510 mmol/kg of pure water × 0.71 kg water per kg wet liver; liver
    // water T1/T2 809/34 ms and fat 382/68 ms at 3 T (de Bazelaire et al., Radiology 2004;230:652); TE 30 ms,
    // TR 1.5 s (the quantify defaults); R = e^(−TE/T2)·(1 − e^(−TR/T1)).
    const relax = (t1: number, t2: number) => Math.exp(-0.03 / t2) * (1 - Math.exp(-1.5 / t1));
    const rW = relax(0.809, 0.034);
    const expected = (2 * 55510 * 0.71 * rW) / A;
    const cho = qw.components.find((x: { name: string }) => x.name === 'Cho');
    expect(cho.concentration / cho.amplitude / expected).toBeCloseTo(1, 2);
    const l13 = qw.components.find((x: { name: string }) => x.name === 'L13');
    expect((l13.concentration / l13.amplitude / expected) * relax(0.382, 0.068)).toBeCloseTo(1, 2);
    expect(qw.fatFraction.percent).toBeGreaterThan(0);
    const c = await cli('classify', file, '--model', models, '--json');
    expect(c.code).toBe(0);
    const cj = JSON.parse(c.out);
    expect(cj.probability).toBeGreaterThanOrEqual(0);
    expect(cj.probability).toBeLessThanOrEqual(1);
    expect(['LC', 'LC-HCC']).toContain(cj.predicted);
    const wrong = await cli(
      'classify',
      join(import.meta.dirname, '..', 'extdata', 'nifti_mrs_7T_steam_fmrib', 'metab.nii.gz'),
      '--model',
      models,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(
      /spectrometerFrequency: spectrometer frequency 297\.2\d+ MHz \(expected the model's field: 127\.76 MHz/,
    );
    const missing = await cli('quantify', file, '--model', dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/qcnn\.onnx: model file not found/);
  });

  it('--resume keeps finished repeats and runs only the missing ones', async () => {
    const before = readFileSync(join(out, 'repeats', '001.json'), 'utf8');
    const resume = ['study', '--repeats', '2', '--quant-spectra', '24', ...TINY, '--out', out, '--resume'];
    const r = await cli(...resume);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'repeats', '001.json'), 'utf8')).toBe(before);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(m.repeats.map((x: { repeat: number }) => x.repeat)).toEqual([1, 2]);
    expect(m.summary.arms[0].sensitivity.n).toBe(2);
    const other = await cli(...resume, '--seed', '9');
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/was made with other settings/);
    // A repeat stored before a setting existed (here `correlation`) reads back as that setting's default,
    // whatever the order of the keys in the file.
    const file = join(out, 'repeats', '002.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const { correlation, ...older } = stored.settings;
    expect(correlation).toBe('group');
    writeFileSync(file, JSON.stringify({ ...stored, settings: older }));
    expect((await cli(...resume)).code).toBe(0);
    expect((await cli(...resume, '--correlation', 'pooled')).err).toMatch(/was made with other settings/);
  });

  it('two shards merged equal one run of both repeats (same seeds, patients and NLLS; networks within bounds)', async () => {
    const sharded = join(dir, 'sharded');
    const base = ['study', '--repeats', '2', '--quant-spectra', '24', ...TINY, '--out', sharded];
    expect((await cli(...base, '--shard', '2/2')).code).toBe(0);
    expect((await cli(...base, '--shard', '1/2')).code).toBe(0);
    const merged = await cli(...base, '--resume', '--json');
    expect(merged.code).toBe(0);
    const a = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(sharded, 'metrics.json'), 'utf8'));
    expect(b.repeats.map((x: { repeat: number }) => x.repeat)).toEqual([1, 2]);
    // The work of both shards, whichever process ran it; wallSeconds is the merging invocation's alone.
    const work = [1, 2].reduce(
      (t, r) =>
        t + JSON.parse(readFileSync(join(sharded, 'repeats', `00${r}.json`), 'utf8')).result.seconds.total,
      0,
    );
    expect(b.repeatSeconds).toBeCloseTo(work, 6);
    expect(b.wallSeconds).toBeLessThan(work);
    // Same seeds and patients: the NLLS arm and the oracle are identical. The networks are trained afresh
    // (libtorch is not bit-reproducible), so their AUCs are not compared between the runs; what the merge must
    // keep is each shard's own answer: the merged AUC of every arm is that of the merged predictions.csv.
    const pred = parseCsv(readFileSync(join(sharded, 'predictions.csv'), 'utf8'));
    const col = (c: string) => pred.header.indexOf(c);
    for (let r = 0; r < 2; r++) {
      expect(b.repeats[r].seed).toBe(a.repeats[r].seed);
      expect(b.repeats[r].arms.conventional).toEqual(a.repeats[r].arms.conventional);
      expect(b.repeats[r].arms.oracle).toEqual(a.repeats[r].arms.oracle);
      const tests = pred.rows.filter(
        (row) => row[col('role')] === 'test' && Number(row[col('repeat')]) === r + 1,
      );
      expect(tests).toHaveLength(17);
      const labels = tests.map((row) => Number(row[col('label')]));
      for (const arm of ['ccnn', 'qcnnLogistic', 'conventional']) {
        const p = tests.map((row) => Number(row[col(`p_${arm}`)]));
        expect(b.repeats[r].arms[arm].auc, `repeat ${r + 1} ${arm}`).toBeCloseTo(mannWhitney(labels, p), 2);
      }
    }
    const bad = await cli(...base, '--shard', '3/2');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--shard: '3\/2' is not I\/N/);
    // Four tiny studies (two shards and a whole run, plus a refusal): minutes on a loaded 2-core machine.
  }, 360_000);

  it('runs the same protocol on the files of a manifest, in the manifest group names', async () => {
    // Virtual patients as files (simulate --per-file), renamed as a site would name them: no group in the path.
    const sims = join(dir, 'per-file');
    expect(
      (
        await cli(
          'simulate',
          '--cohort',
          'truth-hbv',
          '--n',
          '6',
          '--seed',
          '9',
          '--threads',
          '1',
          '--per-file',
          '--no-progress',
          '--out',
          sims,
        )
      ).code,
    ).toBe(0);
    const rows = readFileSync(join(sims, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
    const names: Record<string, string> = { LC: 'cirrhosis', 'LC-HCC': 'tumour' };
    const lines = ['file,group,role'];
    rows.forEach((row, i) => {
      const [file, group, role] = row.split(',');
      const name = `patient-${String(i + 1).padStart(2, '0')}.nii.gz`;
      copyFileSync(join(sims, file), join(dir, name));
      lines.push(`${name},${names[group]},${role}`);
    });
    writeFileSync(join(dir, 'manifest.csv'), `${lines.join('\n')}\n`);
    const mout = join(dir, 'manifest-study');
    const r = await cli(
      'study',
      '--manifest',
      join(dir, 'manifest.csv'),
      '--quant-spectra',
      '0',
      ...TINY,
      '--out',
      mout,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(mout, 'metrics.json'), 'utf8'));
    expect(m.mode).toBe('manifest');
    expect(m.groups).toEqual({ negative: 'cirrhosis', positive: 'tumour' });
    expect(Object.keys(m.repeats[0].arms)).toEqual(['ccnn', 'conventional', 'qcnnLogistic']);
    expect(m.repeats[0].arms.ccnn.tp + m.repeats[0].arms.ccnn.fn).toBe(3);
    expect(m.notes.join(' ')).toMatch(/no water references/);
    // Small samples: exact intervals (3/3 right would still be 0.29–1) and a bootstrap AUC interval.
    const iv = m.intervals.ccnn;
    expect(iv.sensitivity.n).toBe(3);
    expect(iv.sensitivity.low).toBeLessThanOrEqual(iv.sensitivity.value);
    expect(iv.sensitivity.high).toBeGreaterThanOrEqual(0.7);
    expect(iv.auc.low).toBeLessThanOrEqual(iv.auc.value);
    expect(iv.auc.high).toBeGreaterThanOrEqual(iv.auc.value);
    expect(m.warnings).toHaveLength(2);
    expect(m.warnings[1]).toMatch(/^group 'tumour' has 3 test spectra \(fewer than 5\): its sensitivity/);
    // The manifest's names everywhere, LC / LC-HCC nowhere; the report speaks of real spectra.
    const csv = readFileSync(join(mout, 'predictions.csv'), 'utf8');
    const html = readFileSync(join(mout, 'report.html'), 'utf8');
    const svgs = readdirSync(join(mout, 'figures')).filter((f) => f.endsWith('.svg'));
    expect(svgs).toEqual(expect.arrayContaining(['roc.svg', 'confusion-ccnn.svg']));
    for (const text of [csv, html, ...svgs.map((f) => readFileSync(join(mout, 'figures', f), 'utf8'))]) {
      expect(text).not.toMatch(/\bLC\b|LC-HCC/);
    }
    for (const text of [csv, html, readFileSync(join(mout, 'figures', 'confusion-ccnn.svg'), 'utf8')]) {
      expect(text).toContain('cirrhosis');
      expect(text).toContain('tumour');
    }
    expect(html).toContain('There is no truth here');
    expect(html).not.toMatch(/virtual patients|true amplitudes|TRUE amplitudes/);
    expect(html).toContain('Prior spectra: NLLS fit status and use in the priors');
    const pred = parseCsv(csv);
    const col = (c: string) => pred.header.indexOf(c);
    expect(pred.header).not.toContain('p_oracle');
    for (const row of pred.rows) {
      expect(['ok', 'doubtful', 'failed']).toContain(row[col('nlls_status')]);
      if (row[col('role')] === 'test') expect(['cirrhosis', 'tumour']).toContain(row[col('predicted_ccnn')]);
      else expect(row[col('in_priors')]).toMatch(/^(yes|no: NLLS fit failed)/);
    }
  });
});

describe('networks', () => {
  it('the qCNN variance head is recalibrated: unit mean squared z-score per component on the validation set', async () => {
    const a = loadCohort('hbv-lc');
    const b = loadCohort('hbv-lc-hcc');
    const cohort = combineCohorts([a, b], 'both');
    const source = {
      cohort,
      basis: loadCohortBasis(a),
      groups: ['LC', 'LC-HCC'],
      pipeline: inputPipeline(cohortGrid(cohort)),
      threads: 0,
    };
    const q = await trainQcnn({
      source,
      protocol: cohortProtocol(cohort),
      architecture: ARCHITECTURES.small,
      seed: 2,
      spectra: 512,
      epochs: 1,
      validation: 300,
    });
    const p = await predictQcnn(q.net, q.model, q.validation);
    const K = 20;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < p.n; i++)
        s += ((q.validation.amplitudes[i * K + k] - p.values[i * K + k]) / p.sd[i * K + k]) ** 2;
      expect(Math.sqrt(s / p.n), q.model.components[k]).toBeCloseTo(1, 3);
    }
    // That holds by construction on the set the scale was fitted on; on 300 spectra it never saw (another
    // seed than the training stream 15 and the validation stream 16) the z-scores must still have RMS ≈ 1.
    // Measured: pooled 0.94, per component 0.71 (Cho) to 1.10 (L53): a scale fitted on 300 spectra of a tiny
    // network carries about ±0.1 of sampling error per component, and errs on the safe (wide) side here.
    const held = await simulateBlock(source, 99, 300);
    const h = await predictQcnn(q.net, q.model, held);
    let pooled = 0;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < h.n; i++)
        s += ((held.amplitudes[i * K + k] - h.values[i * K + k]) / h.sd[i * K + k]) ** 2;
      pooled += s;
      const rms = Math.sqrt(s / h.n);
      expect(rms, q.model.components[k]).toBeGreaterThan(0.6);
      expect(rms, q.model.components[k]).toBeLessThan(1.4);
    }
    expect(Math.sqrt(pooled / (K * h.n))).toBeGreaterThan(0.85);
    expect(Math.sqrt(pooled / (K * h.n))).toBeLessThan(1.15);
  });

  it('the cCNN ensemble logit is the mean member logit divided by the fitted temperature', async () => {
    const d = join(dir, 'ccnn');
    const r = await cli(
      'train',
      '--cohort',
      'hbv-lc,hbv-lc-hcc',
      '--kind',
      'ccnn',
      '--spectra',
      '512',
      '--epochs',
      '1',
      '--validation',
      '200',
      '--architecture',
      'small',
      '--members',
      '2',
      '--sim-threads',
      '0',
      '--out',
      d,
      '--quiet',
    );
    expect(r.code).toBe(0);
    const record = JSON.parse(readFileSync(join(d, 'ccnn.training.json'), 'utf8'));
    // The built-in cohorts are illustrative, and the model's description says so.
    expect(record.model.training.illustrative).toBe(true);
    expect(JSON.parse(readFileSync(join(d, 'ccnn.json'), 'utf8')).description).toContain(
      ILLUSTRATIVE_NOTE.trim(),
    );
    const T = record.model.temperature as number;
    const session = await ort.InferenceSession.create(join(d, 'ccnn.onnx'));
    const L = record.pipeline.model.points as number;
    const x = new Float32Array(3 * 2 * L).map((_, i) => Math.sin(i * 0.37) * 0.5);
    const o = await session.run({ input: new ort.Tensor('float32', x, [3, 2, L]) });
    const members = o.members.data as Float32Array;
    const logit = o.logit.data as Float32Array;
    for (let i = 0; i < 3; i++)
      expect(logit[i]).toBeCloseTo((members[2 * i] + members[2 * i + 1]) / (2 * T), 4);
    await session.release();
  });
});

describe('virtual patients', () => {
  it('are drawn reproducibly per repeat seed, prior patients first, in the paper design', () => {
    const loaded = loadCohort('truth-hbv');
    const gen = new SpectrumGenerator(loaded.cohort, loadCohortBasis(loaded));
    const a = drawPatients(gen, PAPER_DESIGN, repeatSeed(1, 1));
    const b = drawPatients(gen, PAPER_DESIGN, repeatSeed(1, 1));
    const c = drawPatients(gen, PAPER_DESIGN, repeatSeed(1, 2));
    expect(a).toHaveLength(37);
    expect(a.filter((p) => p.group === 'LC' && p.role === 'prior')).toHaveLength(10);
    expect(a.filter((p) => p.group === 'LC-HCC' && p.role === 'test')).toHaveLength(7);
    expect(a.slice(0, 10).every((p) => p.role === 'prior' && p.label === 0)).toBe(true);
    expect(Array.from(a[5].fid.data.subarray(0, 8))).toEqual(Array.from(b[5].fid.data.subarray(0, 8)));
    expect(a[5].fid.data[0]).not.toBe(c[5].fid.data[0]);
    expect(repeatSeed(1, 1)).not.toBe(repeatSeed(1, 2));
  });
});
