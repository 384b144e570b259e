import { z } from 'zod';
import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { LineList } from '../spectra/line-list.js';

/**
 * The native livermrs basis format (docs/basis-format.md): one JSON document with the acquisition header, and
 * per component its FID on the header's grid (internal convention, core/fid.ts) plus, optionally, the exact
 * line list it was rendered from (so it can be re-rendered on any other grid without re-simulating).
 */
export const BASIS_JSON_FORMAT = 'livermrs-basis';
export const BASIS_JSON_VERSION = 1;

const numbers = z.array(z.number().finite());

const componentSchema = z.strictObject({
  name: z.string().min(1),
  group: z.string().optional(),
  protons: z.number().nonnegative().optional(),
  source: z.string().optional(),
  fid: z.strictObject({ re: numbers, im: numbers }),
  lines: z
    .strictObject({
      hz: numbers,
      re: numbers,
      im: numbers,
      fwhmHz: numbers.optional(),
    })
    .optional(),
});

const basisJsonSchema = z.strictObject({
  format: z.literal(BASIS_JSON_FORMAT),
  version: z.literal(BASIS_JSON_VERSION),
  nucleus: z.string().min(1),
  spectrometerFrequency: z.number().positive(),
  ppmReference: z.number().finite(),
  dwellTime: z.number().positive(),
  points: z.number().int().min(1),
  linewidthHz: z.number().nonnegative().optional(),
  sequence: z.string().optional(),
  echoTime: z.number().nonnegative().optional(),
  convention: z.string().optional(),
  components: z.array(componentSchema).min(1),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export interface BasisJson {
  basis: BasisSet;
  /** Line lists by component name, where the file has them. */
  lines: Record<string, LineList>;
}

const CONVENTION =
  'fid[n] at t = n * dwellTime; a resonance at d ppm is exp(-i 2 pi (d - ppmReference) * spectrometerFrequency * t); ' +
  'line k adds (re + i im) exp(i 2 pi hz t) exp(-pi fwhmHz t)';

/** Serialises a basis set (and optionally the line lists it was rendered from). */
export function writeBasisJson(basis: BasisSet, lines?: Record<string, LineList>): string {
  const doc = {
    format: BASIS_JSON_FORMAT,
    version: BASIS_JSON_VERSION,
    nucleus: basis.nucleus,
    spectrometerFrequency: basis.spectrometerFrequency,
    ppmReference: basis.ppmReference,
    dwellTime: basis.dwellTime,
    points: basis.points,
    linewidthHz: basis.linewidthHz ?? 0,
    sequence: basis.sequence,
    echoTime: basis.echoTime,
    convention: CONVENTION,
    components: basis.names.map((name, i) => {
      const info = basis.components?.[name] ?? {};
      const fid = basis.fids[i];
      const re: number[] = [];
      const im: number[] = [];
      for (let t = 0; t < basis.points; t++) {
        re.push(fid[2 * t]);
        im.push(fid[2 * t + 1]);
      }
      const l = lines?.[name];
      return {
        name,
        group: info.group,
        protons: info.protons,
        source: info.source,
        fid: { re, im },
        lines: l
          ? {
              hz: Array.from(l.hz),
              re: Array.from(l.re),
              im: Array.from(l.im),
              fwhmHz: l.fwhmHz ? Array.from(l.fwhmHz) : undefined,
            }
          : undefined,
      };
    }),
    meta: basis.meta,
  };
  return `${JSON.stringify(doc)}\n`;
}

/** Parses a native basis file. Throws InputError naming the file and field. */
export function readBasisJson(text: string, file = '<basis.json>'): BasisJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, {
      file,
      expected: 'a livermrs basis',
    });
  }
  const parsed = basisJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue.message, { file, field: issue.path.join('.') || '(top level)' });
  }
  const d = parsed.data;
  const fids: Float64Array[] = [];
  const components: NonNullable<BasisSet['components']> = {};
  const lines: Record<string, LineList> = {};
  d.components.forEach((c, i) => {
    const field = `components.${i}`;
    if (c.fid.re.length !== d.points || c.fid.im.length !== d.points) {
      throw new InputError(`${c.name}: ${c.fid.re.length}/${c.fid.im.length} samples`, {
        file,
        field: `${field}.fid`,
        expected: `${d.points} real and imaginary values (points)`,
      });
    }
    if (components[c.name]) throw new InputError(`duplicate component '${c.name}'`, { file, field });
    const fid = new Float64Array(2 * d.points);
    for (let t = 0; t < d.points; t++) {
      fid[2 * t] = c.fid.re[t];
      fid[2 * t + 1] = c.fid.im[t];
    }
    fids.push(fid);
    components[c.name] = { protons: c.protons, group: c.group, source: c.source };
    if (c.lines) {
      const n = c.lines.hz.length;
      if (
        c.lines.re.length !== n ||
        c.lines.im.length !== n ||
        (c.lines.fwhmHz && c.lines.fwhmHz.length !== n)
      ) {
        throw new InputError(`${c.name}: line arrays differ in length`, { file, field: `${field}.lines` });
      }
      lines[c.name] = {
        hz: Float64Array.from(c.lines.hz),
        re: Float64Array.from(c.lines.re),
        im: Float64Array.from(c.lines.im),
        fwhmHz: c.lines.fwhmHz ? Float64Array.from(c.lines.fwhmHz) : undefined,
        spectrometerFrequency: d.spectrometerFrequency,
        ppmReference: d.ppmReference,
      };
    }
  });
  const basis: BasisSet = {
    names: d.components.map((c) => c.name),
    fids,
    points: d.points,
    dwellTime: d.dwellTime,
    spectrometerFrequency: d.spectrometerFrequency,
    ppmReference: d.ppmReference,
    nucleus: d.nucleus,
    linewidthHz: d.linewidthHz,
    echoTime: d.echoTime,
    sequence: d.sequence,
    components,
    meta: { ...(d.meta ?? {}), source: 'livermrs basis JSON', file },
  };
  return { basis, lines };
}
