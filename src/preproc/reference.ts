import { fidCount, fidView, type MrsData, voxelCount, withData } from '../core/mrs-data.js';
import { peakFrequencyHz } from './peak.js';
import { fmt, recordStep } from './provenance.js';
import { shiftFidInPlace } from './shift.js';

/**
 * Frequency referencing: moves the spectrum so that the highest peak in `window` (located on the zero-filled
 * magnitude spectrum, see peak.ts) lands on `ppm`. Estimated per voxel from the mean FID. Common landmarks:
 * LANDMARKS (landmarks.ts).
 */
export { LANDMARKS } from './landmarks.js';

export interface ReferenceOptions {
  ppm: number;
  window: [number, number];
}

export function referenceToPeak(mrs: MrsData, options: ReferenceOptions): MrsData {
  const out = withData(mrs, Float64Array.from(mrs.data));
  const nv = voxelCount(mrs);
  const n = mrs.points;
  const shifts: number[] = [];
  for (let v = 0; v < nv; v++) {
    const mean = new Float64Array(2 * n);
    for (let f = v; f < fidCount(mrs); f += nv) {
      const s = fidView(mrs, f);
      for (let k = 0; k < 2 * n; k++) mean[k] += s[k];
    }
    const found = peakPpm(mean, mrs, options.window);
    const shiftHz = (options.ppm - found) * mrs.header.spectrometerFrequency;
    shifts.push(shiftHz);
    for (let f = v; f < fidCount(mrs); f += nv)
      shiftFidInPlace(fidView(out, f), mrs.header.dwellTime, shiftHz);
  }
  return recordStep(
    out,
    'Frequency and phase correction',
    `referenced the peak in ${options.window.join('-')} ppm to ${options.ppm} ppm: shift ${shifts.map((s) => fmt(s)).join(', ')} Hz`,
  );
}

/** Chemical shift of the highest peak in a window (zero-filled magnitude spectrum, parabolic refinement). */
export function peakPpm(
  fid: Float64Array,
  mrs: Pick<MrsData, 'points' | 'header'>,
  window: [number, number],
): number {
  return mrs.header.ppmReference - peakFrequencyHz(fid, mrs, window) / mrs.header.spectrometerFrequency;
}
