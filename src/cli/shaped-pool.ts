/**
 * Re-export for cli/fit-job.ts only, which moves to the library's analysis layer in a parallel change: the
 * shaped-pulse pool lives in physics/pulses/shaped-pool.ts (use simulateBasisParallel). Delete with that move.
 */
export { ShapedPool } from '../physics/pulses/shaped-pool.js';
