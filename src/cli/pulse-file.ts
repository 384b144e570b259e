/**
 * Re-export for cli/fit-job.ts only, which moves to the library's analysis layer in a parallel change: the
 * pulse-set reader lives in io/pulse-set-file.ts. Delete with that move.
 */
export { readPulseSetOption } from '../io/pulse-set-file.js';
