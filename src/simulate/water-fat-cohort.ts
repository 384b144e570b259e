import { z } from 'zod';
import type { Rng } from '../core/random.js';
import { distributionSchema, nonNegative, parseYamlWith, strictlyPositive } from './cohort-schema.js';
import { type DistributionSpec, makeDistribution } from './distributions.js';
import type { WaterFatTruth } from './water-fat.js';

/**
 * Water–fat cohorts (YAML, `kind: water-fat`; docs/simulation.md): the acquisition (echo times, TR) and the
 * distribution of every subject parameter of water-unsuppressed body spectra (simulate/water-fat.ts). The
 * built-in one is data/cohorts/water-fat/body.yaml (cohort-files.ts loadWaterFatCohort).
 */

/** Subject parameters in the order they are drawn: the order fixes which random numbers each takes. */
export const WATER_FAT_PARAMETERS = [
  'pdff',
  'waterT2',
  'fatT2',
  'waterT1',
  'fatT1',
  'waterLorentzHz',
  'fatLorentzHz',
  'gaussianHz',
  'offsetPpm',
  'phase0Deg',
  'snr',
] as const;
export type WaterFatParameter = (typeof WATER_FAT_PARAMETERS)[number];

const fraction = distributionSchema.superRefine((d, ctx) => {
  const [lo, hi] = makeDistribution(d).support;
  if (!(lo >= 0 && hi <= 1)) {
    ctx.addIssue({
      code: 'custom',
      message: `can produce values outside 0..1 (expected a fraction, e.g. uniform 0..0.95)`,
    });
  }
});

const positiveNumber = z.number().positive('must be > 0').refine(Number.isFinite, 'must be a finite number');

const waterFatCohortSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('water-fat'),
    description: z.string().optional(),
    illustrative: z.boolean().optional(),
    references: z.array(z.string()).optional(),
    protocol: z
      .object({
        sequence: z.literal('STEAM'),
        /** ms */
        echoTimes: z.array(positiveNumber).min(1, 'give at least one echo time'),
        /** ms */
        repetitionTime: positiveNumber,
      })
      .strict(),
    subject: z
      .object({
        pdff: fraction,
        waterT2: strictlyPositive,
        fatT2: strictlyPositive,
        waterT1: strictlyPositive,
        fatT1: strictlyPositive,
        waterLorentzHz: nonNegative,
        fatLorentzHz: nonNegative,
        gaussianHz: nonNegative,
        offsetPpm: distributionSchema,
        phase0Deg: distributionSchema,
        snr: strictlyPositive,
      })
      .strict(),
  })
  .strict();

export interface WaterFatCohort {
  name: string;
  kind: 'water-fat';
  description?: string;
  illustrative?: boolean;
  references?: string[];
  protocol: { sequence: 'STEAM'; echoTimes: number[]; repetitionTime: number };
  subject: Record<WaterFatParameter, DistributionSpec>;
}

/** Parses and checks a water–fat cohort file; the first problem is an InputError naming field and line. */
export function parseWaterFatCohort(text: string, file = '<water-fat cohort>'): WaterFatCohort {
  return parseYamlWith(waterFatCohortSchema, text, file, {
    what: 'a water–fat cohort',
    expected: 'a YAML mapping with name, kind: water-fat, protocol and subject',
  }) as WaterFatCohort;
}

export interface WaterFatDraw {
  /** Repetition time (s) instead of the cohort's. */
  repetitionTime?: number;
  /** Every subject at this PDFF (0..1) instead of the cohort's distribution (draws nothing). */
  pdff?: number;
}

/** One subject's truth: each parameter drawn from its distribution, in WATER_FAT_PARAMETERS order. */
export function drawWaterFatTruth(cohort: WaterFatCohort, rng: Rng, o: WaterFatDraw = {}): WaterFatTruth {
  const s = cohort.subject;
  const draw = (p: WaterFatParameter) => makeDistribution(s[p]).sample(rng);
  return {
    pdff: o.pdff ?? draw('pdff'),
    waterT2: draw('waterT2'),
    fatT2: draw('fatT2'),
    waterT1: draw('waterT1'),
    fatT1: draw('fatT1'),
    repetitionTime: o.repetitionTime ?? cohort.protocol.repetitionTime / 1000,
    waterLorentzHz: draw('waterLorentzHz'),
    fatLorentzHz: draw('fatLorentzHz'),
    gaussianHz: draw('gaussianHz'),
    offsetPpm: draw('offsetPpm'),
    phase0Deg: draw('phase0Deg'),
    snr: draw('snr'),
  };
}
