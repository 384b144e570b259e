import { readMrsFile } from '../dist/src/io/mrs-file.js';
import { fidToSpectrum } from '../dist/src/spectra/fft.js';
import { ppmAxis } from '../dist/src/core/fid.js';
import { fidCount, fidView, describeShape } from '../dist/src/core/mrs-data.js';
const opts = JSON.parse(process.argv[3] ?? '{}');
const m = readMrsFile(process.argv[2], opts);
function report(m, label) {
const ax = ppmAxis({ ...m.header, points: m.points });
const s = new Float64Array(m.points);
const n = Math.min(fidCount(m), 64);
for (let i = 0; i < n; i++) { const f = fidToSpectrum(fidView(m, i)); for (let k = 0; k < m.points; k++) s[k] += Math.hypot(f[2*k], f[2*k+1]); }
const peaks = [];
for (let k = 2; k < m.points - 2; k++) if (s[k] > s[k-1] && s[k] >= s[k+1] && s[k] > s[k-2] && s[k] >= s[k+2] && ax[k] > -1 && ax[k] < 10) peaks.push([ax[k], s[k]]);
peaks.sort((a, b) => b[1] - a[1]);
console.log(label, describeShape(m), m.source.format, JSON.stringify(m.header));
console.log('  top peaks:', peaks.slice(0, 8).map(([p, h]) => `${p.toFixed(3)}:${h.toExponential(2)}`).join('  '));
}
report(m, 'metab');
if (m.reference) report(m.reference, 'ref');
