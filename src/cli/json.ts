/** Kept for the commands that import it from here; the writer lives in io/json.ts. */
export { toJson } from '../io/json.js';
