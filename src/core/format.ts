/**
 * A value with its uncertainty, rounded to the uncertainty's precision: the SD keeps two significant digits
 * when its leading digit is 1 or 2 and one otherwise (the Particle Data Group's rule, Rev. Part. Phys.,
 * "Introduction: rounding"), and the value is given to the same decimal place: 1.874 ± 0.43 → "1.9 ± 0.4",
 * 12.3456 ± 0.0123 → "12.346 ± 0.012", 4110 ± 540 → "4100 ± 500". A zero or missing SD leaves four significant
 * digits.
 */
export function formatValueSd(value: number, sd: number | undefined, unit = ''): string {
  if (!Number.isFinite(value)) return `n/a`;
  if (sd === undefined || !Number.isFinite(sd) || sd <= 0) return `${Number(value.toPrecision(4))}${unit}`;
  const exp = Math.floor(Math.log10(sd));
  const lead = Math.floor(sd / 10 ** exp);
  const digits = lead <= 2 ? 2 : 1;
  const decimals = Math.max(0, digits - 1 - exp);
  const step = 10 ** (exp - digits + 1);
  const round = (x: number) => (decimals > 0 ? x.toFixed(decimals) : String(Math.round(x / step) * step));
  return `${round(value)} ± ${round(sd)}${unit}`;
}
