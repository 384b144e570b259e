import { InputError } from '../core/errors.js';
import { fidCount, fidView, type MrsData, voxelCount, withData } from '../core/mrs-data.js';
import { recordStep } from './provenance.js';

/**
 * Eddy-current correction from an unsuppressed water reference (Klose, MRM 1990;14:26): the time-dependent
 * phase of the water FID, which eddy currents impose equally on both acquisitions, is removed point by point:
 * s'(t) = s(t) conj(w(t)) / |w(t)|. This also moves water to the receiver centre (its constant frequency offset
 * is part of the phase), so the metabolite axis becomes referenced to water. The reference must hold one FID
 * per voxel (combine coils and average it first) with the same points and dwell time.
 */
export function eddyCurrentCorrect(mrs: MrsData, reference: MrsData): MrsData {
  const nv = voxelCount(mrs);
  if (
    fidCount(reference) !== voxelCount(reference) ||
    voxelCount(reference) !== nv ||
    reference.points !== mrs.points ||
    Math.abs(reference.header.dwellTime - mrs.header.dwellTime) > 1e-12 * mrs.header.dwellTime
  ) {
    throw new InputError('the water reference does not match the data for eddy-current correction', {
      file: reference.source.file,
      expected: `one FID per voxel (${nv}) of ${mrs.points} points at dwell ${mrs.header.dwellTime} s; combine and average it first`,
    });
  }
  const out = withData(mrs, Float64Array.from(mrs.data));
  const n = mrs.points;
  for (let f = 0; f < fidCount(mrs); f++) {
    const w = fidView(reference, f % nv);
    const s = fidView(out, f);
    for (let k = 0; k < n; k++) {
      const wr = w[2 * k];
      const wi = w[2 * k + 1];
      const m = Math.hypot(wr, wi);
      if (!(m > 0)) continue;
      const cr = wr / m;
      const ci = -wi / m;
      const re = s[2 * k];
      const im = s[2 * k + 1];
      s[2 * k] = re * cr - im * ci;
      s[2 * k + 1] = re * ci + im * cr;
    }
  }
  return recordStep(
    out,
    'Eddy current correction',
    `Klose 1990, phase of water reference ${reference.source.file}`,
  );
}
