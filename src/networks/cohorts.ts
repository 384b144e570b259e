import { InputError } from '../core/errors.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import type { SimulationGrid } from '../simulate/signal-model.js';
import type { ModelProtocol } from './input.js';

/**
 * Cohorts as the training input of a network (`livermrs train`, the virtual study): one cohort with the groups
 * of several files (the built-in illustrative priors hbv-lc and hbv-lc-hcc are one group each), and a cohort's
 * protocol as the grid and protocol a model is trained for.
 */
export function combineCohorts(cohorts: { cohort: Cohort; file: string }[], name: string): Cohort {
  if (cohorts.length === 0) throw new InputError('no cohort given', { field: 'cohorts' });
  const first = cohorts[0];
  const out: Cohort = structuredClone(first.cohort);
  out.name = name;
  out.description = `groups of ${cohorts.map((c) => c.cohort.name).join(' + ')}`;
  out.references = [...new Set(cohorts.flatMap((c) => c.cohort.references ?? []))];
  out.illustrative = cohorts.some((c) => c.cohort.illustrative) || undefined;
  for (const c of cohorts.slice(1)) {
    const same = JSON.stringify(c.cohort.protocol) === JSON.stringify(first.cohort.protocol);
    if (!same || JSON.stringify(c.cohort.basis) !== JSON.stringify(first.cohort.basis)) {
      throw new InputError(`protocol or basis differs from ${first.file}'s`, {
        file: c.file,
        field: 'protocol',
        expected: 'cohorts of one protocol and basis',
      });
    }
    for (const [g, group] of Object.entries(c.cohort.groups)) {
      if (out.groups[g])
        throw new InputError(`group '${g}' appears twice`, { file: c.file, field: 'groups' });
      out.groups[g] = structuredClone(group);
    }
  }
  return out;
}

/** The grid of a cohort's protocol (the basis supplies the ppm reference). */
export function cohortGrid(cohort: Cohort): SimulationGrid {
  const p = cohort.protocol;
  return {
    points: p.points,
    dwellTime: 1 / p.spectralWidth,
    spectrometerFrequency: p.spectrometerFrequency,
    ppmReference: p.ppmReference,
  };
}

export function cohortProtocol(cohort: Cohort): ModelProtocol {
  const p = cohort.protocol;
  return {
    ...cohortGrid(cohort),
    ...(p.echoTime !== undefined ? { echoTime: p.echoTime / 1000 } : {}),
    ...(p.sequence !== undefined ? { sequence: p.sequence } : {}),
  };
}
