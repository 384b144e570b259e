/**
 * `npm run bench io`: reading every format, NIfTI-MRS encode/decode, the preprocessing chain on the 7T raw data
 * and HLSVD water removal at 1024-4096 points. Medians over repeated runs in one warm process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromFid } from '../src/core/mrs-data.js';
import { Rng } from '../src/core/random.js';
import { readMrsFile } from '../src/io/mrs-file.js';
import { decodeNiftiMrs, encodeNiftiMrs } from '../src/io/nifti-mrs/nifti-mrs.js';
import { removeResidualWater } from '../src/preproc/hlsvd.js';
import { preprocess } from '../src/preproc/pipeline.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const X = join(root, 'test', 'extdata');

function median(fn: () => void, reps: number): number {
  fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return Number(t[t.length >> 1].toFixed(2));
}

function syntheticFid(points: number): ReturnType<typeof fromFid> {
  const dwell = 1 / 2000;
  const data = new Float64Array(2 * points);
  const peaks = [
    { hz: 0, a: 1000, w: 12 },
    { hz: -340, a: 10, w: 8 },
    { hz: 210, a: 4, w: 10 },
  ];
  for (const p of peaks) {
    for (let k = 0; k < points; k++) {
      const t = k * dwell;
      const e = p.a * Math.exp(-Math.PI * p.w * t);
      data[2 * k] += e * Math.cos(2 * Math.PI * p.hz * t);
      data[2 * k + 1] += e * Math.sin(2 * Math.PI * p.hz * t);
    }
  }
  // White noise (seeded), so the Hankel matrix has full rank as in real data.
  const rng = new Rng(points);
  for (let i = 0; i < data.length; i++) data[i] += 0.05 * rng.normal();
  return fromFid({
    data,
    points,
    dwellTime: dwell,
    spectrometerFrequency: 127.76,
    ppmReference: 4.65,
    nucleus: '1H',
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const files: Record<string, [string, Record<string, number>?]> = {
    'NIfTI-MRS 4096x4x16 (.nii.gz)': ['nifti_mrs_7T_steam_fmrib/metab_raw.nii.gz'],
    'Siemens RDA': ['siemens/suspect_SVS_30.rda'],
    'Siemens DICOM IMA': ['siemens/suspect_SVS_30.IMA'],
    'Siemens DICOM XA': ['siemens/suspect_SVS_XA60.dcm'],
    'Philips SDAT/SPAR': ['philips/tarquin_svs_30_WS.SDAT'],
    'GE P-file rev 9': ['ge/tarquin_P1751_1.5T_030_2000.7'],
    'jMRUI text': ['ismrm2016_fitting_challenge/datasets_JMRUI/dataset1_WS.txt'],
    'LCModel .RAW': [
      'ismrm2016_fitting_challenge/datasets_LCModel/dataset1.RAW',
      { dwellTime: 2.5e-4, spectrometerFrequency: 123.2 },
    ],
  };
  const readMs: Record<string, number> = {};
  for (const [label, [file, opts]] of Object.entries(files))
    readMs[label] = median(() => readMrsFile(join(X, file), opts), 9);

  const raw = readMrsFile(join(X, 'nifti_mrs_7T_steam_fmrib/metab_raw.nii.gz'));
  const wref = readMrsFile(join(X, 'nifti_mrs_7T_steam_fmrib/wref_raw.nii.gz'));
  const gz = encodeNiftiMrs(raw, { gzip: true });
  const nifti = {
    'encode .nii.gz (4096x4x16)': median(() => encodeNiftiMrs(raw, { gzip: true }), 5),
    'encode .nii (4096x4x16)': median(() => encodeNiftiMrs(raw, { gzip: false }), 5),
    'decode .nii.gz (4096x4x16)': median(() => decodeNiftiMrs(gz, 'x.nii.gz'), 5),
    'compressed bytes': gz.length,
    'source bytes': readFileSync(join(X, 'nifti_mrs_7T_steam_fmrib/metab_raw.nii.gz')).length,
  };
  const pipeline = {
    '7T 4 coils x 16 transients: combine + ECC + align + average (ms)': median(
      () => preprocess(raw, { reference: wref }),
      5,
    ),
  };
  const hlsvdMs: Record<string, number> = {};
  for (const points of [1024, 2048, 4096]) {
    const m = syntheticFid(points);
    hlsvdMs[`${points} points, K=25, 1024 fit points`] = median(() => removeResidualWater(m), 5);
  }
  hlsvdMs['2048 points, K=25, 2048 fit points'] = median(
    () => removeResidualWater(syntheticFid(2048), { fitPoints: 2048 }),
    3,
  );
  return { unit: 'ms (median)', readMs, nifti, pipeline, hlsvdMs };
}
