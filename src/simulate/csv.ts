/**
 * CSV lives in io/csv.ts. This re-export is kept only for study/study-priors.ts, which is being changed on
 * another branch; once it imports '../io/csv.js' this file goes.
 */
export type { CsvTable } from '../io/csv.js';
