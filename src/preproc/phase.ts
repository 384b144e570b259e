import { fidCount, fidView, type MrsData, voxelCount, withData } from '../core/mrs-data.js';
import { dtft, peakFrequencyHz } from './peak.js';
import { fmt, recordStep } from './provenance.js';
import { shiftFidInPlace } from './shift.js';

/**
 * Zero-order phasing. 'peak' (default): the phase that makes the highest peak in a ppm window absorptive and
 * positive (its phase is the DTFT phase at the peak frequency, see peak.ts); 'first-point': the phase of the first FID sample. The phase is estimated
 * per voxel from the mean of its FIDs and applied to all of them; `phaseDeg` applies a given phase.
 */
export interface PhaseOptions {
  method?: 'peak' | 'first-point';
  window?: [number, number];
  phaseDeg?: number;
}

export function zeroOrderPhase(mrs: MrsData, options: PhaseOptions = {}): MrsData {
  const out = withData(mrs, Float64Array.from(mrs.data));
  const nv = voxelCount(mrs);
  const n = mrs.points;
  const phases: number[] = [];
  for (let v = 0; v < nv; v++) {
    let phi: number;
    if (options.phaseDeg !== undefined) {
      phi = (options.phaseDeg * Math.PI) / 180;
    } else {
      const mean = new Float64Array(2 * n);
      const count = fidCount(mrs) / nv;
      for (let f = v; f < fidCount(mrs); f += nv) {
        const s = fidView(mrs, f);
        for (let k = 0; k < 2 * n; k++) mean[k] += s[k] / count;
      }
      phi = -estimatePhase(mean, mrs, options);
    }
    phases.push(phi);
    for (let f = v; f < fidCount(mrs); f += nv)
      shiftFidInPlace(fidView(out, f), mrs.header.dwellTime, 0, phi);
  }
  const how =
    options.phaseDeg !== undefined
      ? 'given phase'
      : (options.method ?? 'peak') === 'peak'
        ? `peak in ${(options.window ?? [0, 10]).join('-')} ppm made real`
        : 'first FID point made real';
  return recordStep(
    out,
    'Phasing',
    `zero-order, ${how}: ${phases.map((p) => fmt((p * 180) / Math.PI)).join(', ')} deg`,
  );
}

/** Phase (radians) of the chosen feature of one FID. */
export function estimatePhase(
  fid: Float64Array,
  mrs: Pick<MrsData, 'points' | 'header'>,
  o: PhaseOptions = {},
): number {
  if (o.method === 'first-point') return Math.atan2(fid[1], fid[0]);
  const f = peakFrequencyHz(fid, mrs, o.window ?? [0, 10]);
  const [re, im] = dtft(fid, f, mrs.header.dwellTime);
  return Math.atan2(im, re);
}
