import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real files written by other tools (copied from the steering repo's shared/extdata; provenance in its README). */
export const EXTDATA = join(dirname(fileURLToPath(import.meta.url)), 'extdata');
/** Other tools' results on public data (shared/reference). */
export const REFERENCE = join(dirname(fileURLToPath(import.meta.url)), 'reference');
export const CHALLENGE = join(EXTDATA, 'ismrm2016_fitting_challenge');
