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
import { LIVER_WATER_CONTENT, PURE_WATER_MMOL_PER_KG, attenuation } from '../../src/fit/quantify.js';
import { loadNetwork } from '../../src/nn/engine.js';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { parseCohort } from '../../src/simulate/cohort-schema.js';
import { parseCsv } from '../../src/io/csv.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { ARCHITECTURES } from '../../src/networks/architectures.js';
import { cohortGrid, cohortProtocol, combineCohorts } from '../../src/networks/cohorts.js';
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
      expect(a.auc).toBeGreaterThanOrEqual(0);
      // The same test patients at the threshold chosen on the prior patients (Youden): same AUC, own counts.
      const y = m.repeats[0].youden[arm];
      expect(y.tp + y.fn, arm).toBe(7);
      expect(y.tn + y.fp, arm).toBe(10);
      expect(y.auc).toBe(a.auc);
      expect(Number.isFinite(y.threshold), arm).toBe(true);
    }
    // The headline gives both decision rules per arm.
    for (const h of summary.headline) {
      expect(h.atHalf.sensitivity, h.arm).toBeGreaterThanOrEqual(0);
      expect(h.atYouden.sensitivity, h.arm).toBeGreaterThanOrEqual(0);
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
    const pred = parseCsv(readFileSync(join(out, 'predictions.csv'), 'utf8'));
    expect(pred.rows).toHaveLength(37);
    const col = (c: string) => pred.header.indexOf(c);
    for (const row of pred.rows) {
      const p = row[col('p_oracle')];
      if (row[col('role')] === 'test') expect(Number(p)).toBeGreaterThanOrEqual(0);
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
  });

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
    const rW = attenuation(0.03, 1.5, 0.809, 0.034);
    const expected = (2 * PURE_WATER_MMOL_PER_KG * LIVER_WATER_CONTENT * rW) / A;
    const cho = qw.components.find((x: { name: string }) => x.name === 'Cho');
    expect(cho.concentration / cho.amplitude / expected).toBeCloseTo(1, 2);
    const l13 = qw.components.find((x: { name: string }) => x.name === 'L13');
    expect((l13.concentration / l13.amplitude / expected) * attenuation(0.03, 1.5, 0.382, 0.068)).toBeCloseTo(
      1,
      2,
    );
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
    // Same seeds and patients: the NLLS arm and the oracle are identical; the networks are trained afresh
    // (libtorch is not bit-reproducible across processes), so their AUCs may differ, within 0.35 on 17 patients.
    for (let r = 0; r < 2; r++) {
      expect(b.repeats[r].seed).toBe(a.repeats[r].seed);
      expect(b.repeats[r].arms.conventional).toEqual(a.repeats[r].arms.conventional);
      expect(b.repeats[r].arms.oracle).toEqual(a.repeats[r].arms.oracle);
      expect(Math.abs(b.repeats[r].arms.ccnn.auc - a.repeats[r].arms.ccnn.auc)).toBeLessThan(0.35);
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
