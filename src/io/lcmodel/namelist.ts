/**
 * Fortran namelist blocks as LCModel writes them: `$NAME key = value, ... $END` (or `&NAME ... /`), possibly
 * spread over lines, with quoted strings ('' escapes a quote), numbers, logicals T/F and value lists.
 * Data (numbers) usually follow a block until the next block starts.
 */
export type NamelistValue = string | number | boolean | (string | number | boolean)[];

export interface NamelistBlock {
  name: string;
  values: Record<string, NamelistValue>;
  /** Character offset just after the block's terminator. */
  end: number;
  /** Character offset of the block's `$` or `&`. */
  start: number;
}

const BLOCK_START = /[$&]([A-Za-z][A-Za-z0-9_]*)/g;

/** Finds every namelist block in `text`, in order. */
export function parseNamelists(text: string): NamelistBlock[] {
  const blocks: NamelistBlock[] = [];
  BLOCK_START.lastIndex = 0;
  let m: RegExpExecArray | null = BLOCK_START.exec(text);
  while (m) {
    const name = m[1].toUpperCase();
    if (name === 'END') {
      m = BLOCK_START.exec(text);
      continue;
    }
    const bodyStart = m.index + m[0].length;
    const { body, end } = findBlockEnd(text, bodyStart);
    blocks.push({ name, values: parseAssignments(body), start: m.index, end });
    BLOCK_START.lastIndex = end;
    m = BLOCK_START.exec(text);
  }
  return blocks;
}

/** The terminator is `$END`, `&END` or a `/` outside quotes. */
function findBlockEnd(text: string, from: number): { body: string; end: number } {
  let inQuote = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      inQuote = !inQuote;
      continue;
    }
    if (inQuote) continue;
    if ((c === '$' || c === '&') && text.slice(i + 1, i + 4).toUpperCase() === 'END') {
      return { body: text.slice(from, i), end: i + 4 };
    }
    if (c === '/') return { body: text.slice(from, i), end: i + 1 };
  }
  return { body: text.slice(from), end: text.length };
}

function parseAssignments(body: string): Record<string, NamelistValue> {
  const out: Record<string, NamelistValue> = {};
  // Tokenise into names, '=', and values (quoted strings kept whole).
  const tokens: string[] = [];
  const re = /'((?:[^']|'')*)'|([^\s,=']+)|(=)/g;
  let m: RegExpExecArray | null = re.exec(body);
  while (m) {
    if (m[1] !== undefined) tokens.push(`'${m[1]}`);
    else if (m[3]) tokens.push('=');
    else tokens.push(m[2]);
    m = re.exec(body);
  }
  let key: string | null = null;
  let vals: (string | number | boolean)[] = [];
  const flush = () => {
    if (key !== null) out[key] = vals.length === 1 ? vals[0] : vals;
  };
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i + 1] === '=' && tokens[i] !== '=' && !tokens[i].startsWith("'")) {
      flush();
      key = tokens[i].toUpperCase().replace(/\(.*\)$/, '');
      vals = [];
      i++;
      continue;
    }
    if (key !== null) vals.push(convert(tokens[i]));
  }
  flush();
  return out;
}

function convert(tok: string): string | number | boolean {
  if (tok.startsWith("'")) return tok.slice(1).replace(/''/g, "'");
  const up = tok.toUpperCase();
  if (up === 'T' || up === '.TRUE.') return true;
  if (up === 'F' || up === '.FALSE.') return false;
  const n = Number(up.replace(/D/, 'E'));
  return Number.isFinite(n) ? n : tok;
}

const FLOAT = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][-+]?\d+)?/g;

/** All numbers in a text span (handles Fortran fields that run together, e.g. `1.0E+00-2.0E+00`). */
export function parseNumbers(text: string): number[] {
  const out: number[] = [];
  FLOAT.lastIndex = 0;
  let m: RegExpExecArray | null = FLOAT.exec(text);
  while (m) {
    out.push(Number(m[0].replace(/[Dd]/, 'E')));
    m = FLOAT.exec(text);
  }
  return out;
}

export function numberValue(v: NamelistValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
}

export function stringValue(v: NamelistValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** Formats a number as Fortran E13.5-like text, e.g. ` -1.23456E+01`. */
export function fortranE(x: number, width = 13, digits = 5): string {
  const s = x.toExponential(digits).toUpperCase();
  const [mant, exp] = s.split('E');
  const e = Number(exp);
  const es = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return `${mant}E${es}`.padStart(width, ' ');
}
