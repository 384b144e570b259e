import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { checkMrsData, type MrsData } from '../../src/core/mrs-data.js';
import { Rng } from '../../src/core/random.js';
import { detectFormat, type ReadMrsOptions, readMrs } from '../../src/io/read.js';
import { type ExampleFile, representativeMrsFiles } from './example-files.js';

/**
 * Robustness: empty, truncated and randomly corrupted copies of the example files (fixed seed, bounded count)
 * must give an InputError whose message starts with the file name, or a data set that passes every invariant
 * check (sizes, finite samples, positive dwell/frequency); never another exception, never a hang.
 * Truncating a format that declares its size (NIfTI, RDA, DICOM, SDAT, GE, jMRUI) must be detected unless the
 * cut removed nothing that matters (a final newline, unused trailing header keys: the result is then identical);
 * LCModel .RAW and text columns declare no size, so a cut at a line end legitimately yields fewer points.
 */
const SEED = 20261127;
const SIZE_DECLARED = new Set([
  'nifti-mrs',
  'siemens-rda',
  'siemens-dicom',
  'philips-sdat',
  'ge-pfile',
  'jmrui-text',
]);

interface Outcome {
  kind: 'input-error' | 'ok';
  safetyNet: boolean;
  mrs?: MrsData;
}

/** Same samples and header values (a cut that removed only trailing text or unused header keys). */
function sameAs(a: MrsData, b: MrsData): boolean {
  if (a.data.length !== b.data.length || JSON.stringify(a.header) !== JSON.stringify(b.header)) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

function companionsOf(path: string): Record<string, Uint8Array> {
  const base = basename(path);
  const dir = dirname(path);
  const names = [base.replace(/\.sdat$/i, '.SPAR'), base.replace(/\.spar$/i, '.SDAT'), `${base}.shf`].filter(
    (n) => n !== base,
  );
  const out: Record<string, Uint8Array> = {};
  for (const n of names) if (existsSync(join(dir, n))) out[n] = new Uint8Array(readFileSync(join(dir, n)));
  return out;
}

function attempt(bytes: Uint8Array, name: string, options: ReadMrsOptions): Outcome {
  const t0 = performance.now();
  let mrs: MrsData | undefined;
  try {
    mrs = readMrs(bytes, name, options);
  } catch (err) {
    if (!(err instanceof InputError)) throw new Error(`${name}: ${String(err)} escaped (not an InputError)`);
    expect(err.message.startsWith(`${name}: `), `${err.message} names the file`).toBe(true);
    return { kind: 'input-error', safetyNet: /^.*: unreadable .* file \(/.test(err.message) };
  } finally {
    expect(performance.now() - t0, `${name} read time (ms)`).toBeLessThan(5000);
  }
  checkMrsData(mrs);
  if (mrs.reference) checkMrsData(mrs.reference);
  return { kind: 'ok', safetyNet: false, mrs };
}

function fuzzInputs(f: ExampleFile, rng: Rng): { label: string; bytes: Uint8Array; truncated: boolean }[] {
  const bytes = new Uint8Array(readFileSync(f.path));
  const out: { label: string; bytes: Uint8Array; truncated: boolean }[] = [
    { label: 'empty', bytes: new Uint8Array(0), truncated: true },
  ];
  const cuts = [
    1,
    64,
    Math.floor(bytes.length / 4),
    Math.floor(bytes.length / 2),
    Math.floor(bytes.length * 0.9),
    bytes.length - 1,
  ];
  for (const c of cuts)
    if (c > 0 && c < bytes.length)
      out.push({ label: `truncated to ${c}`, bytes: bytes.slice(0, c), truncated: true });
  for (const flips of [1, 4, 16, 64, 256]) {
    for (let rep = 0; rep < 2; rep++) {
      const b = Uint8Array.from(bytes);
      for (let i = 0; i < flips; i++) b[rng.int(b.length)] = rng.int(256);
      out.push({ label: `${flips} random bytes (#${rep + 1})`, bytes: b, truncated: false });
    }
  }
  // Corruption concentrated in the first 600 bytes, where the headers are.
  for (let rep = 0; rep < 4; rep++) {
    const b = Uint8Array.from(bytes);
    for (let i = 0; i < 8; i++) b[rng.int(Math.min(600, b.length))] = rng.int(256);
    out.push({ label: `header bytes (#${rep + 1})`, bytes: b, truncated: false });
  }
  return out;
}

describe('fuzz: damaged copies of the example files', () => {
  const files = representativeMrsFiles();
  const rng = new Rng(SEED);
  const stats = { reads: 0, inputErrors: 0, ok: 0, safetyNet: 0 };

  for (const f of files) {
    it(f.name, () => {
      const companions = companionsOf(f.path);
      const original = new Uint8Array(readFileSync(f.path));
      const format = detectFormat(original, f.name)?.id;
      const intact = readMrs(original, f.name, { ...f.options, companions });
      for (const input of fuzzInputs(f, rng)) {
        const r = attempt(input.bytes, f.name, { ...f.options, companions });
        stats.reads++;
        if (r.kind === 'ok') stats.ok++;
        else stats.inputErrors++;
        if (r.safetyNet) stats.safetyNet++;
        if (input.truncated && format && SIZE_DECLARED.has(format) && r.mrs) {
          // Allowed only if nothing was lost (e.g. a final newline or unused trailing SPAR keys).
          expect(sameAs(intact, r.mrs), `${f.name} ${input.label} must be detected`).toBe(true);
        }
      }
    });
  }

  it('uncompressed NIfTI-MRS copies survive header corruption too', () => {
    const gz = new Uint8Array(readFileSync(files.find((f) => f.name.endsWith('metab.nii.gz'))!.path));
    const nii = gunzipSync(gz);
    for (let rep = 0; rep < 200; rep++) {
      const b = Uint8Array.from(nii);
      for (let i = 0; i < 4; i++) b[rng.int(1700)] = rng.int(256);
      const r = attempt(b, 'metab.nii', {});
      stats.reads++;
      if (r.kind === 'ok') stats.ok++;
      else stats.inputErrors++;
      if (r.safetyNet) stats.safetyNet++;
    }
  });

  it('reports the counts', () => {
    // eslint-disable-next-line no-console
    console.log(
      `fuzz: ${stats.reads} reads, ${stats.inputErrors} InputErrors, ${stats.ok} valid data sets, ${stats.safetyNet} via the safety net`,
    );
    expect(stats.reads).toBeGreaterThan(1000);
    // Every failure is a reader's own validation, not the last-resort wrapper around an unexpected exception.
    expect(stats.safetyNet).toBe(0);
  });
});
