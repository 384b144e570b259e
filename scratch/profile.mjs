import { readMrsFile } from '../dist/src/io/mrs-file.js';
import { fidToSpectrum } from '../dist/src/spectra/fft.js';
import { ppmAxis } from '../dist/src/core/fid.js';
import { fidCount, fidView } from '../dist/src/core/mrs-data.js';
const opts = JSON.parse(process.argv[3] ?? '{}');
let m = readMrsFile(process.argv[2], opts);
if (process.argv[4] === 'ref') m = m.reference;
const ax = ppmAxis({ ...m.header, points: m.points });
const avg = new Float64Array(2 * m.points); const mag = new Float64Array(m.points);
const n = fidCount(m);
for (let i = 0; i < n; i++) { const v = fidView(m, i); for (let k = 0; k < v.length; k++) avg[k] += v[k] / n; const f = fidToSpectrum(v); for (let k = 0; k < m.points; k++) mag[k] += Math.hypot(f[2*k], f[2*k+1]) / n; }
const s = fidToSpectrum(avg);
const lo = Number(process.argv[5] ?? 0.5), hi = Number(process.argv[6] ?? 4.5), step = Number(process.argv[7] ?? 0.05);
let maxA = 0, maxM = 0;
for (let k = 0; k < m.points; k++) if (ax[k] > lo && ax[k] < hi) { maxA = Math.max(maxA, Math.hypot(s[2*k], s[2*k+1])); maxM = Math.max(maxM, mag[k]); }
for (let p = hi; p >= lo; p -= step) {
  let a = 0, b = 0; for (let k = 0; k < m.points; k++) if (Math.abs(ax[k] - p) < step / 2) { a = Math.max(a, Math.hypot(s[2*k], s[2*k+1])); b = Math.max(b, mag[k]); }
  console.log(p.toFixed(2).padStart(6), '#'.repeat(Math.round(40 * a / maxA)).padEnd(40), '|', '*'.repeat(Math.round(40 * b / maxM)));
}
