import { readMrsFile } from '../dist/src/io/mrs-file.js';
import { preprocess } from '../dist/src/preproc/index.js';
import { LANDMARKS, peakPpm } from '../dist/src/preproc/reference.js';
import { fidToSpectrum } from '../dist/src/spectra/fft.js';
import { ppmAxis } from '../dist/src/core/fid.js';
import { fidView, describeShape } from '../dist/src/core/mrs-data.js';
const D = 'test/extdata/nifti_mrs_7T_steam_fmrib/';
const raw = readMrsFile(D + 'metab_raw.nii.gz');
const wref = readMrsFile(D + 'wref_raw.nii.gz');
const ref = readMrsFile(D + 'metab.nii.gz');
function snr(m, label) {
  const s = fidToSpectrum(fidView(m, 0));
  const ax = ppmAxis({ ...m.header, points: m.points });
  let peak = 0, pk = 0; const noise = [];
  for (let k = 0; k < m.points; k++) { const mag = Math.hypot(s[2*k], s[2*k+1]); if (ax[k] > 1.9 && ax[k] < 2.1 && mag > peak) { peak = mag; pk = ax[k]; } if (ax[k] > -4 && ax[k] < -1) noise.push(s[2*k]); }
  const mean = noise.reduce((a, b) => a + b, 0) / noise.length; const sd = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / (noise.length - 1));
  console.log(label, describeShape(m), 'NAA', pk.toFixed(3), 'peak', peak.toExponential(3), 'sd', sd.toExponential(3), 'SNR', (peak / sd).toFixed(1), 'NAA (parabola)', peakPpm(fidView(m,0), m, LANDMARKS.naa.window).toFixed(4), 'Cr', peakPpm(fidView(m,0), m, LANDMARKS.cr.window).toFixed(4));
}
snr(ref, 'FSL-MRS metab.nii.gz');
for (const v of [{}, { average: { reject: false } }, { ecc: false }, { combine: { method: 'svd' } }, { align: { window: [1.8, 4.2] } }]) {
  const t0 = Date.now();
  const { data } = preprocess(raw, { reference: wref, ...v });
  snr(data, JSON.stringify(v) + ` ${Date.now() - t0} ms`);
  const r = preprocess(raw, { reference: wref, ...v, referencePeak: LANDMARKS.cr });
  snr(r.data, '  referenced to Cr');
}
const noref = preprocess(raw, {});
snr(noref.data, 'no water ref');
import { combineCoils, alignTransients, averageTransients } from '../dist/src/preproc/index.js';
import { withData, toFid, fromFid } from '../dist/src/core/mrs-data.js';
function fwhm(m) { const s = fidToSpectrum(fidView(m, 0)); const ax = ppmAxis({ ...m.header, points: m.points }); let pk = 0, kb = 0; for (let k = 0; k < m.points; k++) { const g = Math.hypot(s[2*k], s[2*k+1]); if (ax[k] > 1.9 && ax[k] < 2.1 && g > pk) { pk = g; kb = k; } } let a = kb, b = kb; while (Math.hypot(s[2*a], s[2*a+1]) > pk / 2) a--; while (Math.hypot(s[2*b], s[2*b+1]) > pk / 2) b++; return ((b - a) / (m.points * m.header.dwellTime)).toFixed(2) + ' Hz'; }
console.log('FWHM NAA FSL', fwhm(ref));
const c = combineCoils(raw, { reference: wref });
const single = withData(c, c.data.slice(0, 2 * c.points), { dims: [] });
snr(single, 'single transient combined');
const avg = preprocess(raw, { reference: wref }).data;
console.log('FWHM NAA ours', fwhm(avg));
console.log('FWHM single transient', fwhm(single));
const eccd = readMrsFile(D + 'ecc.nii.gz');
const eccC = averageTransients(combineCoils(eccd, { reference: eccd }));
console.log('ecc file', describeShape(eccd));
const d2 = preprocess(raw, { reference: wref, ecc: false });
console.log('FWHM no ecc', fwhm(d2.data));
import { eddyCurrentCorrect } from '../dist/src/preproc/index.js';
const d3 = averageTransients(alignTransients(eddyCurrentCorrect(combineCoils(raw, { reference: wref }), eccC)), { reject: true });
console.log('FWHM with ecc.nii.gz', fwhm(d3)); snr(d3, 'with ecc.nii.gz');
const q = readMrsFile(D + 'quant_raw.nii.gz'); const qc = averageTransients(combineCoils(q, { reference: q }));
console.log('FWHM water quant (ppm window differs)');
