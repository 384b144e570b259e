#!/usr/bin/env node
// Output snapshot: runs the built command line (dist/) on a fixed list of real files of test/extdata (and one
// simulated multi-echo series made by the CLI itself with a fixed seed) with fixed options, and keeps everything
// each run produced: its output folder, stdout, stderr and exit code. A second mode compares two snapshots, so a
// refactoring can show that every output stayed byte-identical.
//
// Usage:
//   node scripts/output-snapshot.mjs run DIR [--only NAME,NAME]   (from the repository root, after a build)
//   node scripts/output-snapshot.mjs diff BEFORE AFTER
//
// Layout of DIR: one folder per case, holding command.txt (the arguments, with DIR written as <SNAPSHOT>),
// stdout.txt, stderr.txt, exit.txt and out/ (the --out folder of the command, when it has one).
//
// What `diff` ignores, and only that (each run writes the same bytes otherwise; checked by running the same build
// twice):
// - the snapshot's own absolute path: every text file has DIR replaced by <SNAPSHOT> before comparing (output
//   paths are printed on stdout and written into reports);
// - durations: the fit's quality.seconds in results.json and --json (every metabolite and water–fat fit), and the
//   "in 0.2 s" of simulate's closing line (VOLATILE below, with the reason for each);
// - timestamps: the "Time" of each preprocessing step (NIfTI-MRS ProcessingApplied: coil combination,
//   averaging) that results.json of a water–fat fit lists;
// - the gzip header of .gz files (it stores the writing time): .gz files are compared decompressed.
// No other field differs: fit, water–fat, quantify and classify write no timestamp or host name.
// Every difference beyond that is printed (file and first differing line) and the exit code is 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const X = 'test/extdata';
const CH = `${X}/ismrm2016_fitting_challenge`;

/** Patterns of text that legitimately differ from run to run: [regex, replacement, why]. */
const VOLATILE = [
  [/"seconds": [-\d.e+]+/g, '"seconds": <S>', 'the fit duration in quality.seconds (results.json, --json)'],
  [
    /"Time": "\d{4}-\d\d-\d\dT[\d:.]+Z?"/g,
    '"Time": <T>',
    'the time stamp of each preprocessing step (NIfTI-MRS ProcessingApplied) in results.json',
  ],
  [/ in [\d.]+ s -> /g, ' in <S> s -> ', "simulate's closing line on stderr states its duration"],
];

/**
 * The cases, in order. `{out}` is the case's output folder, `{snap}` the snapshot folder (for inputs a previous
 * case made). Every case runs with cwd = the repository root, so input paths are the same in every snapshot.
 */
const DS = `${CH}/datasets_LCModel`;
/** The challenge's basis, preset and the header values its .RAW files lack. */
const CHALLENGE_FIT = [
  ...['--basis', `${CH}/basisset_LCModel/press3T_30ms.BASIS`, '--preset', 'ismrm2016'],
  ...['--sw', '4000', '--frequency', '123.2'],
];
const SDAT_WS = `${X}/philips/spant_philips_spar_sdat_WS.SDAT`;
const SDAT_W = `${X}/philips/spant_philips_spar_sdat_W.SDAT`;
const OUT = ['--out', '{out}'];

const CASES = [
  // Metabolite fit, LCModel .RAW with its water reference and the challenge basis.
  {
    name: 'fit-raw-challenge',
    args: ['fit', `${DS}/dataset1.RAW`, '--water', `${DS}/dataset1.H2O`, ...CHALLENGE_FIT, '--te', '30', ...OUT],
  },
  // The same, --json on stdout only (no files).
  { name: 'fit-raw-json', args: ['fit', `${DS}/dataset2.RAW`, ...CHALLENGE_FIT, '--json'] },
  // Batch of two with --water auto (worker threads, summary.csv and summary report).
  {
    name: 'fit-raw-batch',
    args: ['fit', `${DS}/dataset3.RAW`, `${DS}/dataset4.RAW`, '--water', 'auto', ...CHALLENGE_FIT, '--jobs', '2', ...OUT],
  },
  // Brain 3 T PRESS Siemens .rda with an LCModel basis of the same protocol.
  {
    name: 'fit-rda-brain',
    args: ['fit', `${X}/siemens/suspect_SVS_30.rda`, '--basis', `${X}/lcmodel/suspect_press_30ms_3T.basis`, ...OUT],
  },
  // GE P-file (its water reference frames are in the same file), liver preset.
  { name: 'fit-ge-pfile', args: ['fit', `${X}/ge/tarquin_P1751_1.5T_030_2000.7`, '--json'] },
  // Shaped-pulse liver basis (small grid) on the water-suppressed Philips file.
  { name: 'fit-liver-shaped', args: ['fit', SDAT_WS, '--pulses', 'default', '--grid', '4', '--json'] },
  // Liver preset, simulated liver basis, routed to the metabolite fit by the spectrum (water-suppressed Philips).
  { name: 'fit-liver-sdat-ws', args: ['fit', SDAT_WS, ...OUT] },
  // Water–fat, single TE: water-unsuppressed Philips and the 7 T water reference.
  { name: 'waterfat-sdat-w', args: ['fit', SDAT_W, ...OUT] },
  { name: 'waterfat-nifti-wref', args: ['fit', `${X}/nifti_mrs_7T_steam_fmrib/wref_raw.nii.gz`, '--json', ...OUT] },
  // Water–fat series of two real files (TE 30 and 135 ms), forced to the water–fat analysis.
  {
    name: 'waterfat-series-real',
    args: [
      ...['fit', `${X}/philips/tarquin_svs_30_ref.SDAT`, `${X}/philips/tarquin_svs_135_ref.SDAT`],
      ...['--series', '--water-suppression', 'off', ...OUT],
    ],
  },
  // A 5-TE HISTO series in one NIfTI-MRS, simulated with a fixed seed, then fitted.
  { name: 'simulate-histo', args: ['simulate', '--water-fat', '--n', '1', '--seed', '4', ...OUT] },
  { name: 'waterfat-series-histo', args: ['fit', '{snap}/simulate-histo/out/subject-0001.nii.gz', ...OUT] },
  // Quantify and classify with the shipped models: a 3 T PRESS TE 30 file (with water reference), a batch.
  { name: 'quantify-sdat', args: ['quantify', SDAT_WS, '--water', SDAT_W, '--allow-failed', ...OUT] },
  {
    name: 'quantify-batch-json',
    args: [
      ...['quantify', SDAT_WS, `${DS}/dataset1.RAW`, '--sw', '4000', '--frequency', '123.2', '--te', '30'],
      ...['--allow-failed', '--json', ...OUT],
    ],
  },
  // With the water reference: reference deconvolution before the network, and without it (--no-deconvolve).
  {
    name: 'quantify-sdat-no-deconvolve',
    args: ['quantify', SDAT_WS, '--water', SDAT_W, '--no-deconvolve', '--allow-failed', '--json'],
  },
  { name: 'classify-sdat', args: ['classify', SDAT_WS, '--allow-failed', ...OUT] },
  { name: 'classify-sdat-water', args: ['classify', SDAT_WS, '--water', SDAT_W, '--force', '--json', ...OUT] },
  {
    name: 'classify-batch',
    args: ['classify', SDAT_WS, `${X}/siemens/suspect_SVS_30.rda`, '--force', '--allow-failed', '--json', ...OUT],
  },
];

function run(dir, only) {
  if (!existsSync(CLI)) throw new Error(`${CLI}: not built (npx tsc -p tsconfig.json)`);
  const snap = resolve(dir);
  mkdirSync(snap, { recursive: true });
  for (const c of CASES) {
    if (only && !only.includes(c.name)) continue;
    const caseDir = join(snap, c.name);
    rmSync(caseDir, { recursive: true, force: true });
    mkdirSync(caseDir, { recursive: true });
    const args = c.args.map((a) => a.replace('{out}', join(caseDir, 'out')).replace('{snap}', snap));
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
    writeFileSync(join(caseDir, 'command.txt'), `livermrs ${args.join(' ').split(snap).join('<SNAPSHOT>')}\n`);
    writeFileSync(join(caseDir, 'stdout.txt'), r.stdout ?? '');
    writeFileSync(join(caseDir, 'stderr.txt'), r.stderr ?? '');
    writeFileSync(join(caseDir, 'exit.txt'), `${r.status ?? r.signal}\n`);
    const s = ((Date.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`${c.name}: exit ${r.status ?? r.signal} (${s} s)\n`);
  }
}

/** Every file under dir, as paths relative to it. */
function files(dir, base = dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, base));
    else out.push(relative(base, p));
  }
  return out.sort();
}

/** A file's content as compared: text with the snapshot's path and the VOLATILE patterns masked; binary as is. */
function normalised(path, snap) {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  if (bytes.includes(0)) return bytes;
  let text = bytes.toString('utf8').split(snap).join('<SNAPSHOT>');
  for (const [re, repl] of VOLATILE) text = text.replace(re, repl);
  return text;
}

function diff(a, b) {
  const [A, B] = [resolve(a), resolve(b)];
  for (const d of [A, B]) if (!existsSync(d) || !statSync(d).isDirectory()) throw new Error(`${d}: no snapshot`);
  const fa = files(A);
  const fb = files(B);
  const problems = [];
  for (const f of fa.filter((f) => !fb.includes(f))) problems.push(`only in ${a}: ${f}`);
  for (const f of fb.filter((f) => !fa.includes(f))) problems.push(`only in ${b}: ${f}`);
  let same = 0;
  for (const f of fa.filter((f) => fb.includes(f))) {
    const x = normalised(join(A, f), A);
    const y = normalised(join(B, f), B);
    const equal = typeof x === 'string' && typeof y === 'string' ? x === y : Buffer.compare(Buffer.from(x), Buffer.from(y)) === 0;
    if (equal) {
      same++;
      continue;
    }
    if (typeof x === 'string' && typeof y === 'string') {
      const lx = x.split('\n');
      const ly = y.split('\n');
      let i = 0;
      while (i < lx.length && lx[i] === ly[i]) i++;
      problems.push(`differs: ${f} line ${i + 1}\n  - ${(lx[i] ?? '').slice(0, 200)}\n  + ${(ly[i] ?? '').slice(0, 200)}`);
    } else problems.push(`differs: ${f} (binary)`);
  }
  for (const p of problems) console.log(p);
  const cases = new Set(fa.map((f) => f.split('/')[0])).size;
  console.log(
    `${problems.length === 0 ? 'identical' : 'DIFFERENT'}: ${same} of ${new Set([...fa, ...fb]).size} files identical over ${cases} cases` +
      ` (${A} vs ${B}; masked: the snapshot path, durations, timestamps, gzip headers)`,
  );
  return problems.length === 0 ? 0 : 1;
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'run' && rest[0]) {
  const i = rest.indexOf('--only');
  run(rest[0], i >= 0 ? rest[i + 1].split(',') : undefined);
} else if (mode === 'diff' && rest.length === 2) {
  process.exit(diff(rest[0], rest[1]));
} else {
  console.error('usage: node scripts/output-snapshot.mjs run DIR [--only NAME,…] | diff BEFORE AFTER');
  process.exit(2);
}
