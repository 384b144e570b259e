import { dimIndex, type MrsData } from '../core/mrs-data.js';
import { type AlignOptions, alignTransients } from './align.js';
import { type AverageOptions, averageTransients } from './average.js';
import { type CombineOptions, combineCoils } from './combine.js';
import { eddyCurrentCorrect } from './ecc.js';
import { type HlsvdOptions, removeResidualWater } from './hlsvd.js';
import { type PhaseOptions, zeroOrderPhase } from './phase.js';
import { type ReferenceOptions, referenceToPeak } from './reference.js';

/**
 * The usual single-voxel chain, each step optional: coil combination (weights from the water reference when
 * given) -> eddy-current correction with the combined, averaged reference -> frequency/phase alignment of
 * transients -> averaging with outlier rejection -> residual-water removal -> frequency referencing ->
 * zero-order phasing. Returns the processed data and the processed water reference.
 */
export interface PreprocessOptions {
  reference?: MrsData;
  combine?: CombineOptions | false;
  ecc?: boolean;
  align?: AlignOptions | false;
  average?: AverageOptions | false;
  removeWater?: HlsvdOptions | false;
  referencePeak?: ReferenceOptions | false;
  phase?: PhaseOptions | false;
}

export function preprocess(mrs: MrsData, o: PreprocessOptions = {}): { data: MrsData; reference?: MrsData } {
  let data = mrs;
  let ref = o.reference;
  if (o.combine !== false) {
    if (ref) ref = combineCoils(ref, { ...o.combine, reference: ref });
    data = combineCoils(data, {
      ...o.combine,
      reference: o.reference && dimIndex(o.reference, 'DIM_COIL') >= 0 ? o.reference : undefined,
    });
  }
  if (ref) ref = averageTransients(ref, { dim: 'DIM_DYN' });
  if (ref && o.ecc !== false) data = eddyCurrentCorrect(data, ref);
  if (o.align !== false) data = alignTransients(data, o.align || {});
  if (o.average !== false) data = averageTransients(data, { reject: true, ...(o.average || {}) });
  if (o.removeWater) data = removeResidualWater(data, o.removeWater);
  if (o.referencePeak) data = referenceToPeak(data, o.referencePeak);
  if (o.phase) data = zeroOrderPhase(data, o.phase);
  if (ref && o.ecc !== false) ref = eddyCurrentCorrect(ref, ref);
  return { data, reference: ref };
}
