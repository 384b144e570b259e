/** Pearson correlation coefficient of two equally long series (used to compare spectra between simulators). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Indices of the bins whose axis value (e.g. ppm) lies in [lo, hi]. */
export function binsIn(axis: ArrayLike<number>, [lo, hi]: readonly [number, number]): number[] {
  const bins: number[] = [];
  for (let k = 0; k < axis.length; k++) if (axis[k] >= lo && axis[k] <= hi) bins.push(k);
  return bins;
}

/**
 * Pearson r over `bins` between the real part of spectrum `a` turned by a zero-order phase of `deg` degrees and
 * the real part of spectrum `b` (both interleaved re, im).
 */
export function phasedRealCorrelation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  bins: readonly number[],
  deg: number,
): number {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return pearson(
    bins.map((k) => a[2 * k] * c - a[2 * k + 1] * s),
    bins.map((k) => b[2 * k]),
  );
}
