import type { Fid } from '../core/fid.js';
import { diagnosticMessages } from '../fit/diagnostics.js';
import type { FitResult } from '../fit/fit.js';
import { liverScaling, quantify } from '../fit/quantify.js';
import type { ResultStatus, Status } from '../fit/status.js';
import type { WaterReference } from '../fit/water-reference.js';
import { defaultLiverBasis } from '../physics/index.js';
import { formatCsv, roundedCell } from '../io/csv.js';
import { componentGroup } from './interpret.js';
import type { QuantifiedSpectrum } from './onnx-inference.js';
import { LIVER_DEFAULTS } from '../core/acquisition.js';
import type { ReferenceDeconvolution } from '../preproc/reference-deconvolution.js';

/**
 * What `livermrs quantify` and `livermrs classify` report per file (results.json, --json, report.html): plain
 * data built from the network outputs, shared by the CLI and the report adapters (report/from-network.ts).
 */

export interface QuantifiedComponentResult {
  name: string;
  /** Amplitude in the model's target unit (basis units in the data's scale for the shipped qCNN). */
  amplitude: number;
  /** The SD predicted by the network's variance head (NaN without one). */
  sd: number;
  sdPercent: number;
  /** mmol/kg from the water reference, when one was given. */
  concentration?: number;
  concentrationSd?: number;
}

export interface QuantifyFileResult {
  file: string;
  model: string;
  /** ok, doubtful or failed (outside what the network was trained for: no components, no fat fraction). */
  status: Status;
  statusReasons: string[];
  notes: string[];
  unit: string;
  components: QuantifiedComponentResult[];
  fatFraction: { percent: number; sd: number } | null;
  warnings: string[];
  /** The input step (networks/input.ts, guard.ts): canonical frame and the guard's measures. */
  input?: InputRecord;
}

/** What was done to the input before the network and what the guard saw (results.json, reports). */
export interface InputRecord {
  /** The water reference's lineshape removed first (preproc/reference-deconvolution.ts), when one was given. */
  referenceDeconvolution?: ReferenceDeconvolution;
  /** Frequency offset (Hz) and zero-order phase (degrees) removed by the canonical frame step. */
  canonical?: { shiftHz: number; phaseDeg: number } | null;
  guard?: { t2: number; q: number; distance: number; snr: number; sdFactor: number };
}

/** The InputRecord of a prepared input and its check. */
export function inputRecord(
  prepared: {
    canonical?: { shiftHz: number; phaseDeg: number } | null;
    referenceDeconvolution?: ReferenceDeconvolution;
  },
  check?: { guard?: { t2: number; q: number; distance: number; snr: number; sdFactor: number } },
): InputRecord | undefined {
  const out: InputRecord = {};
  if (prepared.referenceDeconvolution) out.referenceDeconvolution = { ...prepared.referenceDeconvolution };
  if (prepared.canonical !== undefined) {
    out.canonical = prepared.canonical
      ? { shiftHz: prepared.canonical.shiftHz, phaseDeg: prepared.canonical.phaseDeg }
      : null;
  }
  if (check?.guard) {
    const g = check.guard;
    out.guard = { t2: g.t2, q: g.q, distance: g.distance, snr: g.snr, sdFactor: g.sdFactor };
  }
  return Object.keys(out).length ? out : undefined;
}

export interface ClassifyFileResult {
  file: string;
  model: string;
  /** ok, doubtful or failed (outside what the network was trained for: no probability). */
  status: Status;
  statusReasons: string[];
  /** Probability of the positive class (null when failed). */
  probability: number | null;
  positiveClass: string;
  predicted: string | null;
  threshold: number;
  notes: string[];
  input?: InputRecord;
}

export interface QcnnQuantificationOptions {
  file: string;
  model: string;
  /** The model's target unit (used without a water reference). */
  unit: string;
  notes: string[];
  /** Fitted unsuppressed water reference: concentrations in mmol/kg and the fat fraction. */
  water?: WaterReference;
  /** Repetition time (s) for the water scaling; default the file's, else 1.5 s. */
  repetitionTime?: number;
  /** Whether the input is inside the network's training range (default ok). */
  check?: ResultStatus;
  input?: InputRecord;
}

/**
 * The qCNN's amplitudes and predicted SDs as a quantification: the same water scaling, relaxation corrections
 * and fat fraction as an NLLS fit (fit/quantify.ts), with the predicted SD in place of the CRLB and no
 * covariance between components (the network predicts marginal SDs only).
 */
export function qcnnQuantification(
  r: QuantifiedSpectrum,
  fid: Fid,
  opts: QcnnQuantificationOptions,
): QuantifyFileResult {
  const protons = defaultLiverBasis().components ?? {};
  const K = r.components.length;
  // quantify() reads only these fields of a fit result.
  const asFit = {
    components: r.components.map((name, k) => ({
      name,
      group: componentGroup(name),
      amplitude: r.values[k],
      crlb: r.sd[k],
      crlbPercent: r.values[k] > 0 ? (100 * r.sd[k]) / r.values[k] : Number.POSITIVE_INFINITY,
      ...(protons[name]?.protons !== undefined ? { protons: protons[name].protons } : {}),
    })),
    combined: [],
    covariance: Float64Array.from({ length: K * K }, (_, j) => {
      const a = Math.floor(j / K);
      return j % K === a ? r.sd[a] ** 2 : 0;
    }),
  } as unknown as FitResult;
  const q = quantify(asFit, {
    water: opts.water,
    scaling: opts.water
      ? liverScaling(
          fid.echoTime ?? LIVER_DEFAULTS.echoTime,
          opts.repetitionTime ?? fid.repetitionTime ?? LIVER_DEFAULTS.repetitionTime,
        )
      : undefined,
  });
  const check = opts.check ?? { status: 'ok', reasons: [] };
  const failed = check.status === 'failed';
  return {
    file: opts.file,
    model: opts.model,
    status: check.status,
    statusReasons: check.reasons,
    notes: opts.notes,
    unit: q.unit ?? opts.unit,
    components: (failed ? [] : q.components).map((c) => ({
      name: c.name,
      amplitude: c.amplitude,
      sd: c.crlb,
      sdPercent: c.crlbPercent,
      ...(c.concentration !== undefined
        ? { concentration: c.concentration, concentrationSd: c.concentrationSd }
        : {}),
    })),
    fatFraction: q.fatFraction && !failed ? { percent: q.fatFraction.percent, sd: q.fatFraction.sd } : null,
    warnings: diagnosticMessages(q.warnings),
    ...(opts.input ? { input: opts.input } : {}),
  };
}

/** concentrations.csv of one quantified file (6 significant digits, empty cells for missing values). */
export function quantificationCsv(r: QuantifyFileResult): string {
  const cell = (x: number | undefined) => roundedCell(x, 6);
  return formatCsv(
    ['name', 'amplitude', 'sd', 'sd_percent', 'concentration', 'concentration_sd'],
    r.components.map((c) => [
      c.name,
      cell(c.amplitude),
      cell(c.sd),
      cell(c.sdPercent),
      cell(c.concentration),
      cell(c.concentrationSd),
    ]),
  );
}
