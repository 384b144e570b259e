import { readMrsFile } from '../dist/src/io/mrs-file.js';
import { combineCoils, alignTransients, averageTransients, eddyCurrentCorrect } from '../dist/src/preproc/index.js';
import { fidToSpectrum } from '../dist/src/spectra/fft.js';
import { ppmAxis } from '../dist/src/core/fid.js';
import { fidView } from '../dist/src/core/mrs-data.js';
const D = 'test/extdata/nifti_mrs_7T_steam_fmrib/';
const raw = readMrsFile(D + 'metab_raw.nii.gz'), wref = readMrsFile(D + 'wref_raw.nii.gz');
function fwhm(m, lo=1.9, hi=2.1) { const s = fidToSpectrum(fidView(m, 0)); const ax = ppmAxis({ ...m.header, points: m.points }); let pk = 0, kb = 0; for (let k = 0; k < m.points; k++) { const g = Math.hypot(s[2*k], s[2*k+1]); if (ax[k] > lo && ax[k] < hi && g > pk) { pk = g; kb = k; } } let a = kb, b = kb; while (Math.hypot(s[2*a], s[2*a+1]) > pk / 2) a--; while (Math.hypot(s[2*b], s[2*b+1]) > pk / 2) b++; return ((b - a) / (m.points * m.header.dwellTime)).toFixed(2); }
const c = combineCoils(raw, { reference: wref });
const w = averageTransients(combineCoils(wref, { reference: wref }));
console.log('water FWHM', fwhm(w, 4.3, 5));
const e = eddyCurrentCorrect(c, w);
console.log('no align', fwhm(averageTransients(e)));
for (const opt of [{}, { window: [0.5, 4.0] }, { window: [1.8, 4.2], maxTime: 0.1 }, { maxTime: 0.05 }, { window: [0.5,4.0], maxTime: 0.4}]) {
  const a = alignTransients(e, opt);
  console.log(JSON.stringify(opt), fwhm(averageTransients(a)), a.extension.ProcessingApplied.at(-1).Details);
}
const ref = readMrsFile(D + 'metab.nii.gz');
function mags(m, lo, hi) { const s = fidToSpectrum(fidView(m, 0)); const ax = ppmAxis({ ...m.header, points: m.points }); const out = []; for (let p = hi; p >= lo; p -= 0.01) { let best = 0, bd = 1e9; for (let k = 0; k < m.points; k++) { const d = Math.abs(ax[k] - p); if (d < bd) { bd = d; best = k; } } out.push(Math.hypot(s[2*best], s[2*best+1])); } return out; }
function corr(a, b) { const ma = a.reduce((x, y) => x + y) / a.length, mb = b.reduce((x, y) => x + y) / b.length; let n = 0, da = 0, db = 0; for (let i = 0; i < a.length; i++) { n += (a[i]-ma)*(b[i]-mb); da += (a[i]-ma)**2; db += (b[i]-mb)**2; } return n / Math.sqrt(da*db); }
const noAlign = averageTransients(e);
const aligned = averageTransients(alignTransients(e), { reject: true });
for (const [l, m] of [['noalign', noAlign], ['aligned', aligned], ['raw single coil avg', averageTransients(averageTransients(raw, {dim:'DIM_COIL'}))]]) console.log(l, 'corr with FSL 0.5-4.2', corr(mags(m, 0.5, 4.2), mags(ref, 0.5, 4.2)).toFixed(4));
