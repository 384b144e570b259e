import { fromFids } from '../core/mrs-data.js';
import { Rng } from '../core/random.js';
import { formatCsv, roundedCell } from '../io/csv.js';
import { encodeNiftiMrs } from '../io/nifti-mrs/nifti-mrs.js';
import { simulateWaterFat } from './water-fat.js';
import { drawWaterFatTruth, type WaterFatCohort } from './water-fat-cohort.js';

export interface WaterFatDatasetRequest {
  cohort: WaterFatCohort;
  /** Subjects. */
  n: number;
  seed: number;
  /** Echo times (s) instead of the cohort's. */
  echoTimes?: number[];
  /** Repetition time (s) instead of the cohort's. */
  repetitionTime?: number;
  /** Every subject at this PDFF (0..1). */
  pdff?: number;
}

export interface WaterFatDataset {
  /** One gzipped NIfTI-MRS per subject, subject-NNNN.nii.gz. */
  files: { name: string; bytes: Uint8Array }[];
  /** truth.csv: every subject's parameters. */
  truthCsv: string;
  /** Echo times (s) of every file. */
  echoTimes: number[];
}

const TRUTH_COLUMNS = [
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

/**
 * Water–fat subjects drawn from a cohort (`livermrs simulate --water-fat`): one NIfTI-MRS per subject, the
 * echoes along DIM_INDIRECT_0 with their EchoTime in dim_5_header (one echo: no dimension, EchoTime in the
 * header), WaterSuppressed false, SequenceName from the cohort; and truth.csv.
 */
export function simulateWaterFatDataset(req: WaterFatDatasetRequest): WaterFatDataset {
  const protocol = req.cohort.protocol;
  const echoTimes = req.echoTimes ?? protocol.echoTimes.map((ms) => ms / 1000);
  const tr = req.repetitionTime ?? protocol.repetitionTime / 1000;
  const rng = new Rng(req.seed);
  const rows: string[][] = [];
  const files: WaterFatDataset['files'] = [];
  for (let i = 0; i < req.n; i++) {
    const truth = drawWaterFatTruth(req.cohort, rng, { repetitionTime: tr, pdff: req.pdff });
    const { fids } = simulateWaterFat(truth, echoTimes, rng);
    const mrs = fromFids(fids, 'DIM_INDIRECT_0', { format: 'livermrs', file: 'simulated' });
    if (fids.length === 1) mrs.dims = [];
    mrs.header.echoTime = fids.length === 1 ? echoTimes[0] : undefined;
    mrs.extension = {
      SequenceName: protocol.sequence,
      WaterSuppressed: false,
      RepetitionTime: tr,
      ...(fids.length > 1
        ? { dim_5: 'DIM_INDIRECT_0', dim_5_header: { EchoTime: echoTimes } }
        : { EchoTime: echoTimes[0] }),
    };
    const name = `subject-${String(i + 1).padStart(4, '0')}.nii.gz`;
    files.push({ name, bytes: encodeNiftiMrs(mrs, { gzip: true, dataType: 'complex64' }) });
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
      tr,
    ];
    rows.push([name, ...values.map((v) => roundedCell(v, 7))]);
  }
  return { files, truthCsv: formatCsv(TRUTH_COLUMNS, rows), echoTimes };
}
