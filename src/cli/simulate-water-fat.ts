import { UsageError } from '../core/errors.js';
import { fromFids } from '../core/mrs-data.js';
import { Rng } from '../core/random.js';
import { withOutputDir } from '../io/atomic.js';
import { encodeNiftiMrs } from '../io/nifti-mrs/nifti-mrs.js';
import { LIVER_RELAXATION_3T } from '../fit/water-fat/water-fat-fit.js';
import { simulateWaterFat, type WaterFatTruth } from '../simulate/water-fat.js';
import { formatCsv, roundedCell } from '../io/csv.js';

/**
 * `livermrs simulate --water-fat`: water-unsuppressed body spectra (one NIfTI-MRS file per subject, echoes
 * along DIM_INDIRECT_0 with their EchoTime in dim_5_header, WaterSuppressed false, SequenceName STEAM) and
 * truth.csv. Parameters are drawn uniformly over the range users bring (fit/water-fat docs): PDFF 0–95 %,
 * water T2 15–35 ms, fat T2 40–80 ms, Lorentzian widths 15–45 Hz, SNR 20–500, transmitter offset ±2 ppm,
 * zero-order phase 0–360°; T1 and TR from the liver literature values.
 */
export interface WaterFatSimOptions {
  n: number;
  seed: number;
  /** Echo times, seconds. */
  echoTimes: number[];
  repetitionTime: number;
  out: string;
  pdff?: number;
}

export function drawTruth(rng: Rng, tr: number, pdff?: number): WaterFatTruth {
  return {
    pdff: pdff ?? 0.95 * rng.uniform(),
    waterT2: 0.015 + 0.02 * rng.uniform(),
    fatT2: 0.04 + 0.04 * rng.uniform(),
    waterT1: LIVER_RELAXATION_3T.waterT1,
    fatT1: LIVER_RELAXATION_3T.fatT1,
    repetitionTime: tr,
    waterLorentzHz: 15 + 30 * rng.uniform(),
    fatLorentzHz: 15 + 30 * rng.uniform(),
    gaussianHz: 5,
    offsetPpm: -2 + 4 * rng.uniform(),
    phase0Deg: 360 * rng.uniform(),
    snr: 20 + 480 * rng.uniform(),
  };
}

export async function simulateWaterFatCommand(
  o: WaterFatSimOptions,
): Promise<{ files: string[]; seconds: number }> {
  if (o.echoTimes.length === 0) throw new UsageError('--te: give at least one echo time (ms)');
  const t0 = performance.now();
  const rng = new Rng(o.seed);
  const cols = [
    'file',
    'pdff',
    'water_t2',
    'fat_t2',
    'water_lorentz_hz',
    'fat_lorentz_hz',
    'gaussian_hz',
    'offset_ppm',
    'phase0_deg',
    'snr',
    'tr',
  ];
  const rows: string[][] = [];
  const files: string[] = [];
  const encoded: [string, Uint8Array][] = [];
  for (let i = 0; i < o.n; i++) {
    const truth = drawTruth(rng, o.repetitionTime, o.pdff);
    const { fids } = simulateWaterFat(truth, o.echoTimes, rng);
    const mrs = fromFids(fids, 'DIM_INDIRECT_0', { format: 'livermrs', file: 'simulated' });
    if (fids.length === 1) mrs.dims = [];
    mrs.header.echoTime = fids.length === 1 ? o.echoTimes[0] : undefined;
    mrs.extension = {
      SequenceName: 'STEAM',
      WaterSuppressed: false,
      RepetitionTime: o.repetitionTime,
      ...(fids.length > 1
        ? { dim_5: 'DIM_INDIRECT_0', dim_5_header: { EchoTime: o.echoTimes } }
        : { EchoTime: o.echoTimes[0] }),
    };
    const name = `subject-${String(i + 1).padStart(4, '0')}.nii.gz`;
    files.push(name);
    encoded.push([name, encodeNiftiMrs(mrs, { gzip: true, dataType: 'complex64' })]);
    const values = [
      truth.pdff,
      truth.waterT2,
      truth.fatT2,
      truth.waterLorentzHz,
      truth.fatLorentzHz,
      truth.gaussianHz,
      truth.offsetPpm,
      truth.phase0Deg,
      truth.snr,
      o.repetitionTime,
    ];
    rows.push([name, ...values.map((v) => roundedCell(v, 7))]);
  }
  await withOutputDir(o.out, (dir) => {
    for (const [name, bytes] of encoded) dir.write(name, bytes);
    dir.write('truth.csv', formatCsv(cols, rows));
  });
  return { files, seconds: (performance.now() - t0) / 1000 };
}
