import { z } from 'zod';

/**
 * Learning-rate schedules, as data. The rate for step k (0-based optimiser steps) is computed here and passed to
 * the addon with each batch, so a schedule is exactly reproducible and testable without libtorch.
 *
 * - `constant`: the base rate.
 * - `step`: base · gamma^⌊k / stepSize⌋.
 * - `cosine`: from the base rate to `minLr` over `totalSteps` by half a cosine (Loshchilov & Hutter, SGDR, 2017).
 * - `warmup_cosine`: linear warm-up from 0 over `warmupSteps`, then cosine to `minLr` at `totalSteps`.
 * - `one_cycle`: Smith & Topin 2019 (PyTorch OneCycleLR with cosine annealing): from base/divFactor up to the base
 *   rate over pctStart · totalSteps, then down to base/(divFactor · finalDivFactor).
 * After `totalSteps` the final rate is kept.
 */
export type ScheduleSpec =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'cosine'; totalSteps: number; minLr?: number }
  | { kind: 'warmup_cosine'; totalSteps: number; warmupSteps: number; minLr?: number }
  | { kind: 'one_cycle'; totalSteps: number; pctStart?: number; divFactor?: number; finalDivFactor?: number };

const steps = z.int().min(1);
export const scheduleSchema: z.ZodType<ScheduleSpec> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), stepSize: steps, gamma: z.number().positive().max(1) }),
  z.strictObject({
    kind: z.literal('cosine'),
    totalSteps: steps,
    minLr: z.number().nonnegative().optional(),
  }),
  z.strictObject({
    kind: z.literal('warmup_cosine'),
    totalSteps: steps,
    warmupSteps: z.int().min(0),
    minLr: z.number().nonnegative().optional(),
  }),
  z.strictObject({
    kind: z.literal('one_cycle'),
    totalSteps: steps,
    pctStart: z.number().gt(0).lt(1).optional(),
    divFactor: z.number().min(1).optional(),
    finalDivFactor: z.number().min(1).optional(),
  }),
]);

function cosineBetween(from: number, to: number, fraction: number): number {
  const f = Math.min(Math.max(fraction, 0), 1);
  return to + ((from - to) * (1 + Math.cos(Math.PI * f))) / 2;
}

/** The learning rate at optimiser step `step` (0-based) for base rate `lr`. */
export function learningRateAt(schedule: ScheduleSpec, lr: number, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return lr;
    case 'step':
      return lr * schedule.gamma ** Math.floor(step / schedule.stepSize);
    case 'cosine':
      return cosineBetween(lr, schedule.minLr ?? 0, step / schedule.totalSteps);
    case 'warmup_cosine': {
      const { warmupSteps: w, totalSteps: t } = schedule;
      if (step < w) return (lr * (step + 1)) / w;
      return cosineBetween(lr, schedule.minLr ?? 0, (step - w) / Math.max(t - w, 1));
    }
    case 'one_cycle': {
      const pct = schedule.pctStart ?? 0.3;
      const initial = lr / (schedule.divFactor ?? 25);
      const final = initial / (schedule.finalDivFactor ?? 1e4);
      const up = pct * schedule.totalSteps - 1;
      const down = schedule.totalSteps - 1;
      if (up > 0 && step <= up) return cosineBetween(initial, lr, step / up);
      return cosineBetween(lr, final, (step - Math.max(up, 0)) / Math.max(down - up, 1));
    }
  }
}
