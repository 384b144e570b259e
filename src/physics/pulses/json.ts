import { InputError } from '../../core/errors.js';

/** Parses a JSON object from a user file; anything else is an InputError naming the file. */
export function parseJsonObject(text: string, file: string, expected: string): Record<string, unknown> {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not JSON (${(err as Error).message})`, { file, expected });
  }
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw new InputError('not a JSON object', { file, expected });
  }
  return root as Record<string, unknown>;
}
