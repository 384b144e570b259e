/**
 * Re-export for cli/fit-job.ts only, which moves to the library's analysis layer in a parallel change: the
 * pulse-set reader lives in physics/pulses/pulse-file.ts. Delete with that move.
 */
export { readPulseSetFile as readPulseSetOption } from '../physics/pulses/pulse-file.js';
