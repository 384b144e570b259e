import { UsageError } from '../core/errors.js';

/** Option parsers shared by subcommands: each names the option and what it expected. */
export function parseNumber(name: string, opts: { min?: number; max?: number; integer?: boolean } = {}) {
  return (value: string): number => {
    const v = Number(value);
    const what = opts.integer ? 'an integer' : 'a number';
    if (value.trim() === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
      throw new UsageError(`${name}: '${value}' is not ${what}`);
    }
    if (opts.min !== undefined && v < opts.min) throw new UsageError(`${name}: ${v} is below ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) throw new UsageError(`${name}: ${v} is above ${opts.max}`);
    return v;
  };
}

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `a,b` -> [a, b] with a < b. */
export function parseRange(name: string) {
  return (value: string): [number, number] => {
    const parts = value.split(',').map((s) => Number(s.trim()));
    if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)) || parts[0] === parts[1]) {
      throw new UsageError(`${name}: '${value}' is not a range (expected two different numbers 'lo,hi')`);
    }
    return [Math.min(parts[0], parts[1]), Math.max(parts[0], parts[1])];
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Option parser for one of `choices` (a list defined once, beside the type it makes). */
export function parseChoice<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(`${name}: '${value}' is not one of ${choices.join(', ')}`);
    }
    return value as T;
  };
}

/**
 * Help text naming every choice with its meaning, in the list's order: `'a' (meaning), 'b', or 'c' (meaning)`.
 * The record's type makes the help name every choice and nothing else.
 */
export function choicesHelp<T extends string>(choices: readonly T[], meaning: Record<T, string>): string {
  const items = choices.map((c) => `'${c}'${meaning[c] ? ` (${meaning[c]})` : ''}`);
  if (items.length < 3) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}

/** `a, b, c or d`, each item followed by its meaning in parentheses when `meaning` gives one. */
export function orList(items: readonly string[], meaning: Record<string, string> = {}): string {
  const named = items.map((i) => (meaning[i] ? `${i} (${meaning[i]})` : i));
  return named.length < 2 ? named.join('') : `${named.slice(0, -1).join(', ')} or ${named[named.length - 1]}`;
}

/** Option parser for one of `choices`, case-insensitive: `--name: 'v' is not WHAT (expected a, b or c)`. */
export function parseLowerChoice<T extends string>(name: string, choices: readonly T[], what: string) {
  return (value: string): T => {
    const v = value.toLowerCase();
    if (!(choices as readonly string[]).includes(v)) {
      throw new UsageError(`${name}: '${value}' is not ${what} (expected ${orList(choices)})`);
    }
    return v as T;
  };
}
