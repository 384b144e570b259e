import { z } from 'zod';
import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';

/**
 * FSL-MRS basis folders: one JSON file per metabolite, {"basis": {basis_re, basis_im, basis_dwell (s),
 * basis_centre (MHz), basis_width (FWHM, Hz), basis_name, basis_nucleus}, "meta": {...}} (fields as read and
 * written by fsl_mrs/utils/mrs_io/fsl_io.py). The FID on disk is in the NIfTI-MRS/LCModel convention, i.e. the
 * livermrs internal one (FSL-MRS conjugates it on reading into its own), with the receiver at 4.65 ppm (FSL-MRS
 * readoutShift default). FSL-MRS reads every *.json in the folder as a basis spectrum.
 */
const FSL_PPM_CENTRE = 4.65;

const fslBasisSchema = z.object({
  basis: z.object({
    basis_re: z.array(z.number()),
    basis_im: z.array(z.number()),
    basis_dwell: z.number().positive(),
    basis_centre: z.number().positive(),
    basis_width: z.number().nullable().optional(),
    basis_name: z.string().min(1),
    basis_nucleus: z.string().optional(),
  }),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** One file per component: `${name}.json` and its text. */
export function writeFslBasis(basis: BasisSet, simVersion = 'livermrs'): { name: string; text: string }[] {
  const reref =
    -2 * Math.PI * (basis.ppmReference - FSL_PPM_CENTRE) * basis.spectrometerFrequency * basis.dwellTime;
  return basis.names.map((name, j) => {
    const fid = basis.fids[j];
    const re: number[] = [];
    const im: number[] = [];
    for (let t = 0; t < basis.points; t++) {
      const c = Math.cos(reref * t);
      const s = Math.sin(reref * t);
      re.push(fid[2 * t] * c - fid[2 * t + 1] * s);
      im.push(fid[2 * t] * s + fid[2 * t + 1] * c);
    }
    const info = basis.components?.[name];
    const doc = {
      basis: {
        basis_re: re,
        basis_im: im,
        basis_dwell: basis.dwellTime,
        basis_centre: basis.spectrometerFrequency,
        basis_width: basis.linewidthHz ?? 0,
        basis_name: name,
        basis_nucleus: basis.nucleus,
      },
      meta: {
        SimVersion: simVersion,
        livermrs: {
          protons: info?.protons,
          group: info?.group,
          source: info?.source,
          sequence: basis.sequence,
          echoTime: basis.echoTime,
        },
      },
    };
    return { name: `${name}.json`, text: `${JSON.stringify(doc)}\n` };
  });
}

/** Reads the JSON files of an FSL-MRS basis folder (as texts) into one basis set (sorted by file order). */
export function readFslBasis(files: { file: string; text: string }[]): BasisSet {
  if (files.length === 0) throw new InputError('no basis files', { expected: 'FSL-MRS *.json basis files' });
  const names: string[] = [];
  const fids: Float64Array[] = [];
  let header: { dwell: number; centre: number; points: number; width: number; nucleus: string } | undefined;
  for (const { file, text } of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new InputError(`not valid JSON (${(err as Error).message})`, { file });
    }
    const parsed = fslBasisSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(issue.message, {
        file,
        field: issue.path.join('.'),
        expected: 'an FSL-MRS basis file',
      });
    }
    const b = parsed.data.basis;
    if (b.basis_re.length !== b.basis_im.length) {
      throw new InputError('basis_re and basis_im differ in length', { file, field: 'basis' });
    }
    const h = {
      dwell: b.basis_dwell,
      centre: b.basis_centre,
      points: b.basis_re.length,
      width: b.basis_width ?? 0,
      nucleus: b.basis_nucleus ?? '1H',
    };
    if (header && (Math.abs(header.dwell - h.dwell) > 1e-12 || header.points !== h.points)) {
      throw new InputError('dwell time or length differs from the other basis files', {
        file,
        field: 'basis.basis_dwell',
        expected: `${header.points} points at ${header.dwell} s`,
      });
    }
    header ??= h;
    const fid = new Float64Array(2 * h.points);
    for (let t = 0; t < h.points; t++) {
      fid[2 * t] = b.basis_re[t];
      fid[2 * t + 1] = b.basis_im[t];
    }
    names.push(b.basis_name);
    fids.push(fid);
  }
  const h = header!;
  return {
    names,
    fids,
    points: h.points,
    dwellTime: h.dwell,
    spectrometerFrequency: h.centre,
    ppmReference: FSL_PPM_CENTRE,
    nucleus: h.nucleus,
    linewidthHz: h.width,
    meta: { source: 'FSL-MRS basis' },
  };
}
