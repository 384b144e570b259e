import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { ComponentGroup, Coupling, Fragment, Nucleus, Spin } from './spin-system.js';

/**
 * Schema of a spin-system file (YAML, one molecule per file). Example:
 *
 *   name: Lac
 *   fullName: lactate
 *   group: metabolite
 *   source: Govindaraju et al., NMR Biomed 2000;13:129-153
 *   fragments:
 *     - label: lactate
 *       spins:
 *         - { id: CH, ppm: 4.0974 }
 *         - { id: CH3, ppm: 1.3142, protons: 3 }
 *       couplings:
 *         - [CH, CH3, 6.933]
 *     - include: Other   # another molecule's fragments, times `scale`
 *       scale: 0.5
 */
const NAME = /^[A-Za-z][A-Za-z0-9_+-]*$/;

const spinSchema = z.strictObject({
  id: z.string().min(1),
  ppm: z.number().finite().min(-10).max(30).optional(),
  protons: z.number().positive().max(1000).optional(),
  nucleus: z.enum(['1H', '13C', '14N', '15N', '31P']).optional(),
  exchangeable: z.boolean().optional(),
  source: z.string().optional(),
});

const couplingSchema = z.tuple([
  z.string().min(1),
  z.string().min(1),
  z.number().finite().min(-1000).max(1000),
]);

const inlineFragmentSchema = z.strictObject({
  label: z.string().min(1),
  scale: z.number().positive().optional(),
  source: z.string().min(1).optional(),
  fwhmPpm: z.number().min(0).max(5).optional(),
  spins: z.array(spinSchema).min(1),
  couplings: z.array(couplingSchema).optional(),
});

const includeFragmentSchema = z.strictObject({
  include: z.string().regex(NAME),
  scale: z.number().positive().optional(),
  label: z.string().optional(),
});

export const spinSystemFileSchema = z.strictObject({
  name: z.string().regex(NAME, 'a name of letters, digits, _ + - starting with a letter'),
  fullName: z.string().min(1),
  group: z.enum(['metabolite', 'lipid', 'water', 'macromolecule']),
  source: z.string().min(1),
  notes: z.string().optional(),
  // Each fragment is checked against the inline or the include schema (chosen by its `include` key) so that
  // errors point into the fragment rather than at a failed union.
  fragments: z.array(z.record(z.string(), z.unknown())).min(1),
});

export { inlineFragmentSchema, includeFragmentSchema };

/** A molecule as read from its file: inline fragments plus unresolved includes (resolved by the library). */
export interface ParsedMolecule {
  name: string;
  fullName: string;
  group: ComponentGroup;
  source: string;
  notes?: string;
  file: string;
  parts: ({ kind: 'fragment'; fragment: Fragment } | { kind: 'include'; molecule: string; scale: number })[];
}

/** Parses and validates one spin-system YAML text. Throws InputError naming the file and the field. */
export function parseSpinSystem(text: string, file = '<spin system>'): ParsedMolecule {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new InputError(`not valid YAML (${(err as Error).message.split('\n')[0]})`, { file });
  }
  const result = spinSystemFileSchema.safeParse(raw);
  if (!result.success) throw schemaError(result.error.issues[0], file, '');
  const data = result.data;
  const parts: ParsedMolecule['parts'] = [];
  data.fragments.forEach((raw, index) => {
    const where = `fragments[${index}]`;
    if ('include' in raw) {
      const inc = includeFragmentSchema.safeParse(raw);
      if (!inc.success) throw schemaError(inc.error.issues[0], file, where);
      parts.push({ kind: 'include', molecule: inc.data.include, scale: inc.data.scale ?? 1 });
      return;
    }
    const frag = inlineFragmentSchema.safeParse(raw);
    if (!frag.success) throw schemaError(frag.error.issues[0], file, where);
    parts.push({ kind: 'fragment', fragment: checkFragment(frag.data, where, file, data.source) });
  });
  return {
    name: data.name,
    fullName: data.fullName,
    group: data.group,
    source: data.source,
    notes: data.notes,
    file,
    parts,
  };
}

type InlineFragment = z.infer<typeof inlineFragmentSchema>;

/** Checks what a schema cannot: unique ids, couplings between known spins, integer protons where coupled. */
function checkFragment(f: InlineFragment, where: string, file: string, moleculeSource: string): Fragment {
  const ids = new Map<string, number>();
  const spins: Spin[] = f.spins.map((s, i) => {
    const field = `${where}.spins[${i}]`;
    if (ids.has(s.id)) throw new InputError(`duplicate spin id '${s.id}'`, { file, field: `${field}.id` });
    ids.set(s.id, i);
    const nucleus = (s.nucleus ?? '1H') as Nucleus;
    if (nucleus === '1H' && s.ppm === undefined) {
      throw new InputError('a 1H spin needs a chemical shift', {
        file,
        field: `${field}.ppm`,
        expected: 'ppm',
      });
    }
    if (nucleus !== '1H' && s.protons !== undefined && s.protons !== 1) {
      throw new InputError('only 1H entries may stand for several equivalent nuclei', {
        file,
        field: `${field}.protons`,
      });
    }
    return {
      id: s.id,
      ppm: s.ppm ?? 0,
      protons: s.protons ?? 1,
      nucleus,
      exchangeable: s.exchangeable ?? false,
      source: s.source,
    };
  });
  const seen = new Set<string>();
  const couplings: Coupling[] = (f.couplings ?? []).map(([a, b, hz], i) => {
    const field = `${where}.couplings[${i}]`;
    for (const id of [a, b]) {
      if (!ids.has(id)) {
        throw new InputError(`unknown spin '${id}'`, {
          file,
          field,
          expected: `one of ${[...ids.keys()].join(', ')}`,
        });
      }
    }
    if (a === b) throw new InputError(`spin '${a}' coupled to itself`, { file, field });
    const key = [a, b].sort().join('\u0000');
    if (seen.has(key)) throw new InputError(`coupling ${a}-${b} given twice`, { file, field });
    seen.add(key);
    const na = spins[ids.get(a)!].nucleus;
    const nb = spins[ids.get(b)!].nucleus;
    if (na !== '1H' && nb !== '1H') {
      throw new InputError(`coupling ${a}-${b} links two non-1H nuclei`, {
        file,
        field,
        expected: 'a 1H partner',
      });
    }
    return { a, b, hz };
  });
  for (const [i, s] of spins.entries()) {
    if (Number.isInteger(s.protons)) continue;
    const coupled = couplings.some((c) => (c.a === s.id || c.b === s.id) && c.hz !== 0);
    if (coupled) {
      throw new InputError(`fractional proton count ${s.protons} on a coupled spin`, {
        file,
        field: `${where}.spins[${i}].protons`,
        expected: 'an integer (fractional counts are only allowed for uncoupled pseudo-singlets)',
      });
    }
  }
  return {
    label: f.label,
    scale: f.scale ?? 1,
    source: f.source ?? moleculeSource,
    fwhmPpm: f.fwhmPpm ?? 0,
    spins,
    couplings,
  };
}

function schemaError(issue: z.core.$ZodIssue, file: string, prefix: string): InputError {
  const field = formatPath(issue.path, prefix) || '(top level)';
  return new InputError(issue.message, { file, field });
}

function formatPath(path: PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
