import type { Fid } from '../core/fid.js';
import type { ResultStatus } from '../fit/status.js';
import type { LoadedBundle } from './bundle.js';
import { checkWithGuard, type GuardVerdict } from './guard.js';
import type { NetworkInput } from './input.js';
import { checkTrainingRange } from './training-range-check.js';
import { trainingRange } from './training-range.js';

/**
 * Is an input inside what its network was trained for? With the model's guard (guard.ts; every model trained by
 * this version) the input itself is judged — T², Q, SNR and the frequency offset the canonical step removed — and
 * the qCNN's SDs are widened by the guard's factor; a model without one falls back on the SNR and lipid linewidth
 * of one NLLS fit against its cohorts' range (training-range-check.ts). `force`: a failed input gets its answer
 * anyway, as doubtful.
 */
export interface InputCheck extends ResultStatus {
  /** What the guard measured (models with a guard). */
  guard?: Omit<GuardVerdict, 'status' | 'reasons'>;
  /** Factor applied to the qCNN's SDs (1 without a guard). */
  sdFactor: number;
}

export function checkInput(
  bundle: LoadedBundle,
  fid: Fid,
  prepared: NetworkInput,
  force = false,
): InputCheck {
  if (bundle.guard) return checkWithGuard(bundle.guard, prepared, force);
  let check: InputCheck;
  {
    const range = trainingRange(bundle.record);
    check =
      !range || !bundle.record
        ? { status: 'doubtful', reasons: ['the training range of this model is unknown'], sdFactor: 1 }
        : { ...checkTrainingRange(fid, bundle.record, range), sdFactor: 1 };
  }
  // --force: the numbers are given, the status keeps the reasons (doubtful instead of failed).
  return force && check.status === 'failed' ? { ...check, status: 'doubtful' } : check;
}
