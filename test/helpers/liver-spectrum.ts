import { writeFileSync } from 'node:fs';
import type { Fid } from '../../src/core/fid.js';
import { fromFid } from '../../src/core/mrs-data.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';

/**
 * One simulated liver spectrum on the default protocol of the shipped models (3 T 127.76 MHz, PRESS TE 30 ms,
 * 2000 Hz, 1024 points: the built-in hbv-lc-hcc cohort), written as a single-FID NIfTI-MRS file.
 */
let generator: SpectrumGenerator | undefined;

export function writeLiverSpectrum(file: string, seed = 7, index = 0): Fid {
  if (!generator) {
    const loaded = loadCohort('hbv-lc-hcc');
    generator = new SpectrumGenerator(loaded.cohort, loadCohortBasis(loaded));
  }
  const grid = generator.model.grid;
  const n = generator.points;
  const fd = new Float64Array(2 * n);
  const td = new Float64Array(2 * n);
  generator.generate({ seed, group: 0, index }, new Float64Array(generator.layout.size), 0, { fd, td });
  const fid: Fid = {
    data: td,
    points: n,
    dwellTime: grid.dwellTime,
    spectrometerFrequency: grid.spectrometerFrequency,
    ppmReference: grid.ppmReference,
    nucleus: '1H',
    echoTime: 0.03,
  };
  writeFileSync(file, encodeNiftiMrs(fromFid(fid), { gzip: true, dataType: 'complex64' }));
  return fid;
}
