import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/repo.js';

/** Each top-level folder of src/ opens with an index.ts whose first lines are a comment stating its job. */
describe('src/ folders', () => {
  const src = join(REPO_ROOT, 'src');
  const folders = readdirSync(src, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it.each(folders)('src/%s/index.ts states the folder’s job', (folder) => {
    const text = readFileSync(join(src, folder, 'index.ts'), 'utf8');
    const doc = /^\/\*\*([\s\S]*?)\*\//.exec(text);
    expect(doc, `src/${folder}/index.ts must open with a /** … */ comment`).not.toBeNull();
    const words = (doc?.[1] ?? '')
      .replace(/[\s*]+/g, ' ')
      .trim()
      .split(' ');
    expect(words.length).toBeGreaterThan(8);
  });
});
