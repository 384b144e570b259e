/** Output subfolder names from input file names (liver.nii.gz -> liver), made unique with -2, -3, ... */
export function outputStems(files: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    let stem = (f.split(/[\\/]/).pop() ?? 'spectrum').replace(/\.nii\.gz$/i, '').replace(/\.[^.]+$/, '');
    if (!stem) stem = 'spectrum';
    const k = seen.get(stem) ?? 0;
    seen.set(stem, k + 1);
    return k > 0 ? `${stem}-${k + 1}` : stem;
  });
}
