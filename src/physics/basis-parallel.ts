import { availableParallelism } from 'node:os';
import type { BasisSet } from '../core/basis.js';
import type { LineList } from '../spectra/line-list.js';
import {
  LIVER_COMPONENTS,
  type ShapedSolver,
  type SimulateBasisOptions,
  simulateBasisAsync,
  simulateLineListsAsync,
} from './basis.js';
import type { Protocol } from './protocol.js';
import { ShapedPool } from './pulses/shaped-pool.js';

/**
 * Basis simulation over worker threads: the one call for a shaped-pulse basis on every core. The pool
 * (pulses/shaped-pool.ts) starts, solves the coupled systems split by slice position, and closes around the
 * call. Ideal pulses (0.04 s for the liver basis) or `threads` ≤ 1 run in this thread. The result equals
 * simulateBasis' up to the order of floating-point sums. Node only (worker threads): not exported by
 * physics/index.ts, which the browser app bundles; the package entry (src/index.ts) exports it.
 */
export function simulateBasisParallel(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
  threads: number = availableParallelism(),
): Promise<BasisSet> {
  return withShapedSolver(options, threads, (solve) =>
    simulateBasisAsync(protocol, components, options, solve),
  );
}

/** simulateLineLists over worker threads (see simulateBasisParallel); also fills the process line-list cache. */
export function simulateLineListsParallel(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
  threads: number = availableParallelism(),
): Promise<Record<string, LineList>> {
  return withShapedSolver(options, threads, (solve) =>
    simulateLineListsAsync(protocol, components, options, solve),
  );
}

async function withShapedSolver<T>(
  options: SimulateBasisOptions,
  threads: number,
  run: (solve: ShapedSolver | undefined) => Promise<T>,
): Promise<T> {
  const shaped = options.pulses !== undefined || options.shapedSequence !== undefined;
  if (!shaped || threads <= 1) return run(undefined);
  const pool = new ShapedPool(threads);
  try {
    return await run(pool.solve);
  } finally {
    await pool.close();
  }
}
