#!/usr/bin/env node
// Writes data/lineshapes.json: measured water-line lineshapes (spectra/lineshape.ts) from the real water
// references in test/extdata, for the networks' realistic training (simulate/realism.ts). Entries marked
// "heldOut" are never used in training: the robustness benchmark (bench/robustness.ts) distorts with them, so that
// it measures generalisation to lineshapes the networks have not seen.
// Usage (after npm run build): node scripts/make-lineshapes.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { readMrsFile } = await import(join(root, 'dist/src/io/mrs-file.js'));
const { analysableFids } = await import(join(root, 'dist/src/preproc/analysable.js'));
const { extractLineshape } = await import(join(root, 'dist/src/spectra/lineshape.js'));

const X = (p) => join(root, 'test/extdata', p);
const sources = [
  // training (the TARQUIN Philips "ref" files are left out: they hold water-SUPPRESSED spectra, water only 5–37×
  // their metabolites, so their water line is a suppression residue, not a lineshape)
  { name: 'lcmodel-raw-w', file: 'lcmodel/tarquin_LCM_W.RAW', what: 'LCModel .RAW water reference (TARQUIN example; 2000 Hz, 127.76 MHz assumed)', heldOut: false, read: { dwellTime: 1 / 2000, spectrometerFrequency: 127.76 } },
  { name: 'ge-1.5t-p1751-ref', file: 'ge/tarquin_P1751_1.5T_030_2000.7', what: 'GE 1.5 T PRESS P-file water reference frames (TARQUIN example)', heldOut: false, reference: true },
  { name: 'ge-1.5t-p1802-ref', file: 'ge/tarquin_P1802_1.5T_030_2000.7', what: 'GE 1.5 T PRESS P-file water reference frames (TARQUIN example, second exam)', heldOut: false, reference: true },
  // held out: the robustness benchmark's real-lineshape families
  { name: 'philips-3t-phantom-w', file: 'philips/spant_philips_spar_sdat_W.SDAT', what: 'Philips 3 T phantom water reference (spant example)', heldOut: true },
  { name: 'fmrib-7t-wref', file: 'nifti_mrs_7T_steam_fmrib/wref_raw.nii.gz', what: '7 T STEAM in-vivo water reference (FSL-MRS example, FMRIB)', heldOut: true },
];

const out = [];
for (const s of sources) {
  const mrs = readMrsFile(X(s.file), s.read ?? {});
  const fids = analysableFids(s.reference ? mrs.reference : mrs);
  const ls = extractLineshape(fids[0], s.name, `${s.what}: ${s.file.split('/').pop()}`);
  out.push({ ...ls, heldOut: s.heldOut });
  console.log(`${s.name.padEnd(22)} ${String(ls.envelope.length / 2).padStart(5)} points  FWHM ${ls.fwhmHz.toFixed(1)} Hz  ${s.heldOut ? 'held out' : 'training'}`);
}
writeFileSync(
  join(root, 'data/lineshapes.json'),
  `${JSON.stringify({ format: 'livermrs-lineshapes', version: 1, made: 'node scripts/make-lineshapes.mjs', lineshapes: out })}\n`,
);
