import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTDATA } from '../paths.js';

/**
 * test/extdata/SHA256SUMS (written when the files were collected, `sha256sum` format: hash, two spaces, ./path)
 * pins the bytes of every vendored file; a changed, truncated or re-encoded file (e.g. a line-ending
 * conversion or a Git-LFS pointer in place of the data) fails here instead of shifting a reader's answer.
 */
const SUMS = join(EXTDATA, 'SHA256SUMS');

function parseSums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]{64}) [ *]\.\/(.+)$/.exec(line);
    if (!m) throw new Error(`${SUMS}:${i + 1}: expected "<64 hex> ./path", got ${JSON.stringify(line)}`);
    out.set(m[2], m[1]);
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [relative(EXTDATA, p).split('\\').join('/')];
  });
}

describe('test/extdata/SHA256SUMS', () => {
  const sums = parseSums(readFileSync(SUMS, 'utf8'));

  it('lists 303 files, every file of test/extdata except itself', () => {
    expect(sums.size).toBe(303);
    const onDisk = walk(EXTDATA).filter((f) => f !== 'SHA256SUMS');
    expect(onDisk.filter((f) => !sums.has(f))).toEqual([]);
    expect([...sums.keys()].filter((f) => !onDisk.includes(f))).toEqual([]);
  });

  it('every listed file has the listed SHA-256', () => {
    const wrong: string[] = [];
    for (const [name, hash] of sums) {
      const got = createHash('sha256')
        .update(readFileSync(join(EXTDATA, name)))
        .digest('hex');
      if (got !== hash) wrong.push(`${name}: listed ${hash}, found ${got}`);
    }
    expect(wrong).toEqual([]);
  });
});
