import { dirname, resolve, sep } from 'node:path';

/**
 * Output folder names for a batch: each input's path relative to the deepest folder all inputs share, without
 * its format's extension, so that `a/P01/scan.dcm` and `a/P02/scan.dcm` go to `P01/scan` and `P02/scan` (no
 * collisions, no numbering that hides which is which) and a DICOM named by its UID keeps the whole UID (only a
 * known spectroscopy extension is removed, never "the text after the last dot"). Characters outside
 * [A-Za-z0-9._-] become '_'. Inputs that still collide (`x.rda` and `x.dcm` side by side) keep their extension
 * (`x_rda`, `x_dcm`), and a last resort numbers them (-2, -3, ...).
 */
const EXTENSIONS = /\.(nii\.gz|nii|dcm|ima|rda|sdat|spar|raw|h2o|7|txt|mrui|json|csv)$/i;

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, '_') || '_';

export function outputFolders(files: readonly string[]): string[] {
  if (files.length === 0) return [];
  const abs = files.map((f) => resolve(f));
  let common = dirname(abs[0]).split(sep);
  for (const f of abs.slice(1)) {
    const parts = dirname(f).split(sep);
    let k = 0;
    while (k < common.length && k < parts.length && common[k] === parts[k]) k++;
    common = common.slice(0, k);
  }
  const rel = abs.map((f) => f.split(sep).slice(common.length));
  const name = (parts: string[], keepExtension: boolean) => {
    const last = parts[parts.length - 1];
    const stem = keepExtension
      ? last.replace(EXTENSIONS, (e) => `_${e.slice(1).replace('.', '_')}`)
      : last.replace(EXTENSIONS, '');
    return [...parts.slice(0, -1), stem || last].map(safe).join('/');
  };
  let names = rel.map((p) => name(p, false));
  const count = (list: string[]) => {
    const c = new Map<string, number>();
    for (const n of list) c.set(n, (c.get(n) ?? 0) + 1);
    return c;
  };
  const first = count(names);
  const withExt = names.map((n, i) => ((first.get(n) ?? 0) > 1 ? name(rel[i], true) : n));
  // The extension is kept only where it tells the colliding inputs apart (not for one file listed twice).
  const second = count(withExt);
  names = names.map((n, i) => ((second.get(withExt[i]) ?? 0) > 1 ? n : withExt[i]));
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k > 1 ? `${n}-${k}` : n;
  });
}
