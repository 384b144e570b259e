import { readMrsFile } from '../dist/src/io/mrs-file.js';
import { fidToSpectrum } from '../dist/src/spectra/fft.js';
import { ppmAxis } from '../dist/src/core/fid.js';
import { fidCount, fidView } from '../dist/src/core/mrs-data.js';
const m = readMrsFile(process.argv[2]);
const r = m.reference;
const N = m.points;
const avg = (d) => { const out = new Float64Array(2 * N); const n = fidCount(d); for (let i = 0; i < n; i++) { const v = fidView(d, i); for (let k = 0; k < 2*N; k++) out[k] += v[k] / n; } return out; };
const w = avg(r), s = avg(m);
const ecc = new Float64Array(2 * N);
for (let k = 0; k < N; k++) { const ph = Math.atan2(w[2*k+1], w[2*k]); const c = Math.cos(-ph), sn = Math.sin(-ph); ecc[2*k] = s[2*k]*c - s[2*k+1]*sn; ecc[2*k+1] = s[2*k]*sn + s[2*k+1]*c; }
// line broaden 3 Hz
for (let k = 0; k < N; k++) { const f = Math.exp(-Math.PI * 3 * k * m.header.dwellTime); ecc[2*k] *= f; ecc[2*k+1] *= f; }
const sp = fidToSpectrum(ecc);
const ax = ppmAxis({ ...m.header, points: N });
let mx = 0; for (let k = 0; k < N; k++) if (ax[k] > 0.5 && ax[k] < 4.2) mx = Math.max(mx, Math.abs(sp[2*k]));
const step = 0.04;
for (let p = 4.2; p >= 0.5; p -= step) { let a = 0; for (let k = 0; k < N; k++) if (Math.abs(ax[k] - p) < step/2 && Math.abs(sp[2*k]) > Math.abs(a)) a = sp[2*k]; console.log(p.toFixed(2), a >= 0 ? '#'.repeat(Math.round(40*a/mx)) : '-'.repeat(Math.round(-40*a/mx))); }
