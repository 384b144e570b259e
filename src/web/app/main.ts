/**
 * The livermrs browser app: read a dropped MRS file with the same readers as the CLI, show its spectrum, run
 * the qCNN and cCNN with onnxruntime-web (WebAssembly, served by `livermrs serve` from this machine) and show the
 * concentration table and the LC-HCC probability. Nothing is sent anywhere: the page's Content-Security-Policy
 * only allows requests to the local server, and the spectrum is never uploaded (models are downloaded to it).
 */
import * as ort from 'onnxruntime-web/wasm';
import { LivermrsError } from '../../core/errors.js';
import type { MrsData } from '../../core/mrs-data.js';
import { readMrs } from '../../io/read.js';
import { acquisitionTable } from '../../report/acquisition.js';
import { probabilityFigureSvg } from '../../report/figures/probability.js';
import { buildReport } from '../../report/html.js';
import { statusLine } from '../../report/status-line.js';
import { escapeXml } from '../../report/svg-plot.js';
import { concentrationTableHtml, keyValueHtml } from '../../report/tables.js';
import type { ConcentrationRow, ReportInput } from '../../report/types.js';
import { classifyOutputs, type NetworkOutputs, quantifyOutputs } from '../../networks/interpret.js';
import {
  bundleFiles,
  type ClassifyModelMetadata,
  type ContractOf,
  MAX_ENSEMBLE_MEMBERS,
  memberPrefix,
  type ModelMetadata,
  type ModelTask,
  parseContract,
  type QuantifyModelMetadata,
} from '../../networks/contract.js';
import { ensembleAnswer, ensembleCheck, type MemberAnswer, sameInput } from '../../networks/ensemble.js';
import { checkWithGuard, type GuardModel } from '../../networks/guard.js';
import { type NetworkInput, networkInput } from '../../networks/input.js';
import { describeDeconvolution } from '../../preproc/reference-deconvolution.js';
import type { TrainingRecord } from '../../networks/bundle.js';
import {
  checkTrainingRange,
  type TrainingCheck,
  type TrainingRange,
} from '../../networks/training-range-check.js';
import type { Fid } from '../../core/fid.js';
import { autoPhasedReal, spectrumOf } from '../../spectra/display.js';
import { combineFids } from '../preprocess.js';
import { attachSpectrumView, type SpectrumTraces } from './spectrum-view.js';

const DISPLAY_RANGE: [number, number] = [0, 6.5];

interface LoadedModel<M extends ModelMetadata> {
  meta: M;
  session: ort.InferenceSession;
  /** The model's training record and training range (served by `livermrs serve`), when known. */
  record?: TrainingRecord;
  range?: TrainingRange;
  /** The model's input guard (<stem>.guard.json), for models trained with one: the check the CLI runs. */
  guard?: GuardModel;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function status(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.className = error ? 'error' : '';
}

// onnxruntime-web: WebAssembly backend, files from this server (no CDN). Threads need cross-origin isolation
// (SharedArrayBuffer); without it one thread.
ort.env.wasm.wasmPaths = new URL('ort/', document.baseURI).href;
ort.env.wasm.numThreads = globalThis.crossOriginIsolated
  ? Math.min(4, navigator.hardwareConcurrency || 1)
  : 1;
ort.env.wasm.proxy = false;

async function loadModel<T extends ModelTask>(
  task: T,
  prefix = '',
): Promise<LoadedModel<ContractOf<T>> | undefined> {
  const files = bundleFiles(task, prefix);
  const res = await fetch(`models/${files.contract}`, { cache: 'no-store' });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new LivermrsError(`models/${files.contract}: HTTP ${res.status}`);
  const meta = parseContract(await res.json(), files.contract, task);
  const session = await ort.InferenceSession.create(`models/${files.onnx}`, { executionProviders: ['wasm'] });
  const rec = await fetch(`models/${files.training}`, { cache: 'no-store' });
  const record = rec.ok ? ((await rec.json()) as TrainingRecord) : undefined;
  const rng = await fetch(`models/${files.stem}.range.json`, { cache: 'no-store' });
  const range = rng.ok
    ? (((await rng.json()) as { range: TrainingRange | null }).range ?? undefined)
    : undefined;
  const grd = await fetch(`models/${files.guard}`, { cache: 'no-store' });
  const guard = grd.ok ? ((await grd.json()) as GuardModel) : undefined;
  return { meta, session, record, range, ...(guard ? { guard } : {}) };
}

/**
 * Is the spectrum inside what the model was trained on? The command line's check, run here in the page: the
 * model's guard on the prepared input (networks/guard.ts), or for a model without one the SNR and lipid linewidth
 * of one NLLS fit against the training cohorts' range (networks/training-range-check.ts). Outside: status failed
 * and no numbers, unless the user asks for them (then doubtful, as `--force`).
 */
const checks = new Map<string, TrainingCheck>();
function rangeCheck(
  model: LoadedModel<ModelMetadata>,
  fid: Fid,
  input: NetworkInput,
  force: boolean,
): TrainingCheck & { sdFactor?: number } {
  if (model.guard) {
    const g = checkWithGuard(model.guard, input, force);
    return { status: g.status, reasons: g.reasons, snr: g.guard.snr, sdFactor: g.sdFactor };
  }
  if (!model.record || !model.range) {
    return { status: 'doubtful', reasons: ['the training range of this model is unknown'] };
  }
  const key = JSON.stringify([model.record.protocol.sequence, model.record.protocol.echoTime, model.range]);
  let c = checks.get(key);
  if (!c) {
    c = checkTrainingRange(fid, model.record, model.range);
    checks.set(key, c);
  }
  return force && c.status === 'failed' ? { ...c, status: 'doubtful' } : c;
}

/** The qCNN's further deep-ensemble members (member2-qcnn.*, …), as the command line finds them. */
async function loadMembers(): Promise<LoadedModel<QuantifyModelMetadata>[]> {
  const members: LoadedModel<QuantifyModelMetadata>[] = [];
  for (let k = 2; k <= MAX_ENSEMBLE_MEMBERS; k++) {
    const m = await loadModel('quantify', memberPrefix(k));
    if (!m) break;
    members.push(m);
  }
  return members;
}

let qcnn: LoadedModel<QuantifyModelMetadata> | undefined;
let qcnnMembers: LoadedModel<QuantifyModelMetadata>[] = [];
let ccnn: LoadedModel<ClassifyModelMetadata> | undefined;

const modelsReady = (async () => {
  const el = $('models');
  try {
    [qcnn, ccnn] = await Promise.all([loadModel('quantify'), loadModel('classify')]);
    if (qcnn) qcnnMembers = await loadMembers();
    const describe = (m: LoadedModel<ModelMetadata> | undefined, label: string) =>
      m ? `${label}: ${m.meta.name ?? label}` : `${label}: not installed`;
    el.textContent = `Models — ${describe(qcnn, 'qCNN')}; ${describe(ccnn, 'cCNN')}. Threads: ${ort.env.wasm.numThreads}.`;
    el.dataset.state = qcnn && ccnn ? 'ready' : 'missing';
    // What each model says of itself (e.g. that its training priors are illustrative, not from patients).
    const notes = $('model-notes');
    for (const m of [qcnn, ccnn]) {
      if (!m?.meta.description) continue;
      const li = document.createElement('li');
      li.textContent = m.meta.description;
      notes.append(li);
    }
  } catch (err) {
    el.textContent = `Models could not be loaded: ${(err as Error).message}`;
    el.dataset.state = 'error';
  }
})();

/** The network's outputs for one input, by name. */
async function runModel(model: LoadedModel<ModelMetadata>, x: NetworkInput): Promise<NetworkOutputs> {
  const feeds = { [model.meta.input.name]: new ort.Tensor('float32', x.input, [1, ...x.dims]) };
  const out = await model.session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data as Float32Array]));
}

interface Analysis {
  mrs: MrsData;
  fileName: string;
  fid: Fid;
  /** The spectrum shown (zoomable, spectrum-view.ts). */
  spectrum: SpectrumTraces;
  info: [string, string | number][];
  notes: string[];
  rows?: ConcentrationRow[];
  unit?: string;
  probability?: number;
  classMeta?: ClassifyModelMetadata;
  /** Training-range status of each model's answer. */
  quantStatus?: TrainingCheck;
  classStatus?: TrainingCheck;
}

let lastAnalysis: Analysis | undefined;

/** Chooses the data file among the dropped ones; the others are companions (Philips .SPAR next to .SDAT). */
function pickPrimary(files: File[]): { primary: File; companions: File[] } {
  const sdat = files.find((f) => /\.sdat$/i.test(f.name));
  const primary = sdat ?? files.find((f) => !/\.spar$/i.test(f.name)) ?? files[0];
  return { primary, companions: files.filter((f) => f !== primary) };
}

/** The files read as one combined FID, with the values typed in for files that lack them. */
async function readCombined(files: File[]) {
  const { primary, companions } = pickPrimary(files);
  const bytes = new Uint8Array(await primary.arrayBuffer());
  const comp: Record<string, Uint8Array> = {};
  for (const c of companions) comp[c.name] = new Uint8Array(await c.arrayBuffer());
  const bw = Number(($('bandwidth') as HTMLInputElement).value);
  const mhz = Number(($('mhz') as HTMLInputElement).value);
  const mrs = readMrs(bytes, primary.name, {
    companions: comp,
    dwellTime: bw > 0 ? 1 / bw : undefined,
    spectrometerFrequency: mhz > 0 ? mhz : undefined,
  });
  return { primary, companions, mrs, ...combineFids(mrs) };
}

async function analyse(files: File[]): Promise<Analysis> {
  const { primary, companions, mrs, fid, notes } = await readCombined(files);
  // The voxel's water reference, when one was chosen: reference deconvolution before the networks.
  const waterFiles = Array.from(($('water') as HTMLInputElement).files ?? []);
  const water = waterFiles.length ? await readCombined(waterFiles) : undefined;
  const waterReference = water ? { fid: water.fid, source: water.primary.name } : undefined;
  const { ppm, spectrum: complex } = spectrumOf(fid, 0);
  const real = autoPhasedReal(ppm, complex, DISPLAY_RANGE);
  const mag = Array.from(ppm, (_, i) => Math.hypot(complex[2 * i], complex[2 * i + 1]));
  const spectrum: SpectrumTraces = { title: primary.name, ppm, real, magnitude: mag };
  const h = mrs.header;
  const info: [string, string | number][] = [
    ['file', primary.name + (companions.length ? ` (+ ${companions.map((f) => f.name).join(', ')})` : '')],
    ['format', mrs.source.format],
    ['points', mrs.points],
    ['spectral width (Hz)', Math.round(1 / h.dwellTime)],
    ['spectrometer frequency (MHz)', h.spectrometerFrequency.toFixed(3)],
    ['echo time (ms)', h.echoTime !== undefined ? (h.echoTime * 1000).toFixed(1) : 'not stored'],
    ...(water ? [['water reference', water.primary.name] as [string, string]] : []),
  ];
  const result: Analysis = { mrs, fid, fileName: primary.name, spectrum, info, notes };
  await modelsReady;
  checks.clear();
  const force = ($('force') as HTMLInputElement).checked;
  if (qcnn) {
    status('Checking the spectrum against the qCNN training range…');
    await new Promise((r) => setTimeout(r, 0));
    const input = networkInput(fid, qcnn.meta.preprocessing, { source: primary.name, waterReference });
    const d = input.referenceDeconvolution;
    if (d) {
      result.notes.push(`reference deconvolution: ${describeDeconvolution(d)}`);
    }
    // What the input step says of the spectrum (canonical frame, resampling, no water reference), as the CLI's notes.
    result.notes.push(...input.notes);
    // Each member of the deep ensemble (one network when there are no members): its own input, check and
    // widened SDs; then the ensemble's answer and status (networks/ensemble.ts), as the command line gives them.
    const answers: MemberAnswer[] = [];
    const memberChecks: (TrainingCheck & { sdFactor?: number })[] = [];
    let firstRows: ConcentrationRow[] | undefined;
    for (const m of [qcnn, ...qcnnMembers]) {
      const x =
        m === qcnn || sameInput(m.meta, qcnn.meta)
          ? input
          : networkInput(fid, m.meta.preprocessing, { source: primary.name, waterReference });
      const c = rangeCheck(m, fid, x, force);
      memberChecks.push(c);
      if (c.status === 'failed') continue;
      const [rows] = quantifyOutputs(m.meta, await runModel(m, x), [x.norm]);
      if (m === qcnn) firstRows = rows;
      const f = c.sdFactor ?? 1;
      answers.push({
        components: rows.map((r) => r.name),
        values: rows.map((r) => r.value),
        sd: rows.map((r) => (r.sd ?? Number.NaN) * f),
      });
    }
    const check = ensembleCheck(memberChecks);
    result.quantStatus = check;
    result.unit = qcnn.meta.targets.unit;
    if (check.status !== 'failed' && firstRows) {
      const e = ensembleAnswer(answers);
      result.rows = firstRows.map((r, k) => ({
        ...r,
        value: e.values[k],
        ...(r.sd !== undefined ? { sd: e.sd[k] } : {}),
      }));
    }
  }
  if (ccnn) {
    const input = networkInput(fid, ccnn.meta.preprocessing, { source: primary.name, waterReference });
    result.classStatus = rangeCheck(ccnn, fid, input, force);
    result.classMeta = ccnn.meta;
    if (result.classStatus.status !== 'failed') {
      [result.probability] = classifyOutputs(ccnn.meta, await runModel(ccnn, input), 1);
    }
  }
  return result;
}

/**
 * STATUS (reasons) as the command line prints it, with what the check measured; the status and the reasons in
 * data-status / data-reasons for scripts and tests.
 */
function statusHtml(id: string, c: TrainingCheck | undefined, range: TrainingRange | undefined): string {
  if (!c) return '';
  const text = `${c.status.toUpperCase()}${c.reasons.length ? ` (${c.reasons.join('; ')})` : ''}`;
  const measured =
    c.snr !== undefined && c.lipidFwhmHz !== undefined && range
      ? ` Measured by an NLLS fit: SNR ${c.snr.toFixed(0)}, lipid linewidth ${c.lipidFwhmHz.toFixed(1)} Hz; ` +
        `training range (${range.cohorts.join(', ')}): SNR ${range.snr[0].toFixed(0)}–${range.snr[1].toFixed(0)}, ` +
        `${range.lipidFwhmHz[0].toFixed(1)}–${range.lipidFwhmHz[1].toFixed(1)} Hz.`
      : '';
  const why =
    c.status === 'failed'
      ? ' No answer: the network would be extrapolating. Tick “give the numbers outside the training range” to see them anyway (status doubtful, as livermrs --force).'
      : '';
  return `<p class="result-status" id="${id}" data-status="${c.status}" data-reasons="${escapeXml(JSON.stringify(c.reasons))}">Status: ${escapeXml(text)}.${escapeXml(measured)}${why}</p>`;
}

function show(a: Analysis): void {
  $('info').innerHTML = keyValueHtml(a.info);
  $('notes').innerHTML = a.notes.map((n) => `<p class="note">${escapeXml(n)}</p>`).join('');
  attachSpectrumView($('spectrum'), $('spectrum-readout'), a.spectrum, DISPLAY_RANGE);
  $('quant').innerHTML =
    a.quantStatus?.status === 'failed'
      ? statusHtml('quant-status', a.quantStatus, qcnn?.range)
      : a.rows
        ? statusHtml('quant-status', a.quantStatus, qcnn?.range) +
          concentrationTableHtml({
            rows: a.rows,
            unit: a.unit ?? 'a.u.',
            uncertaintyLabel: 'predicted SD',
            note: 'qCNN estimates with the SD predicted by the network (its variance head).',
          })
        : '<p class="note">No qCNN installed (models/qcnn.onnx + qcnn.json).</p>';
  // The numbers at full precision, for scripts and tests that compare the page with `livermrs quantify --json`.
  $('quant').dataset.values = a.rows
    ? JSON.stringify(a.rows.map((r) => ({ name: r.name, value: r.value, sd: r.sd ?? null })))
    : '';
  if (a.classStatus?.status === 'failed') {
    $('class').innerHTML = statusHtml('class-status', a.classStatus, ccnn?.range);
  } else if (a.probability !== undefined && a.classMeta) {
    const [neg, pos] = a.classMeta.classes;
    $('class').innerHTML =
      statusHtml('class-status', a.classStatus, ccnn?.range) +
      `<p class="probability" id="probability" data-value="${a.probability}">P(${pos}) = ${a.probability.toFixed(3)}</p>` +
      probabilityFigureSvg({
        probability: a.probability,
        positiveLabel: pos,
        negativeLabel: neg,
        threshold: a.classMeta.threshold,
      });
  } else {
    $('class').innerHTML = '<p class="note">No cCNN installed (models/ccnn.onnx + ccnn.json).</p>';
  }
  $('result').hidden = false;
}

function reportOf(a: Analysis): ReportInput {
  const statusOf = (c: TrainingCheck | undefined) =>
    c ? statusLine(c).replace(/^Status: /, '') : 'no model';
  const blocks: ReportInput['sections'][number]['blocks'] = [
    {
      kind: 'keyValue',
      entries: [
        ...a.info,
        ['qCNN status', statusOf(a.quantStatus)],
        ['cCNN status', statusOf(a.classStatus)],
      ],
    },
  ];
  if (a.rows)
    blocks.push({
      kind: 'concentrations',
      input: { rows: a.rows, unit: a.unit ?? 'a.u.', uncertaintyLabel: 'predicted SD' },
    });
  if (a.probability !== undefined && a.classMeta)
    blocks.push({
      kind: 'probability',
      input: {
        probability: a.probability,
        positiveLabel: a.classMeta.classes[1],
        negativeLabel: a.classMeta.classes[0],
        model: a.classMeta.name,
      },
    });
  return {
    title: `livermrs: ${a.fileName}`,
    subtitle: `computed in the browser, ${new Date().toISOString()}`,
    acquisition: acquisitionTable(a.fid),
    sections: [{ heading: 'Result', blocks }],
  };
}

async function handleFiles(list: FileList | File[]): Promise<void> {
  const files = Array.from(list);
  if (files.length === 0) return;
  status(`Reading ${files.map((f) => f.name).join(', ')}…`);
  try {
    const a = await analyse(files);
    lastAnalysis = a;
    show(a);
    status(`Done: ${a.fileName}`);
  } catch (err) {
    const message = (err as Error).message;
    status(message, true);
    // The file lacks acquisition values the reader needs: open the fields where the user can enter them.
    if (/frequency|dwell|spectral width|HZPPPM/i.test(message))
      ($('extra') as HTMLDetailsElement).open = true;
  }
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer) void handleFiles(e.dataTransfer.files);
});
$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  if (input.files) void handleFiles(input.files);
});
$('download').addEventListener('click', () => {
  if (!lastAnalysis) return;
  const { html } = buildReport(reportOf(lastAnalysis));
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${lastAnalysis.fileName.replace(/\.nii\.gz$/i, '').replace(/\.[^.]+$/, '')}-report.html`;
  a.click();
  URL.revokeObjectURL(url);
});
