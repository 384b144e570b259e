/**
 * Numbers in report tables, rounded to what their uncertainty supports: the SD keeps two significant digits and
 * the value is given to the same decimal place (67916.8597 ± 254.4939 → "67,920 ± 250"; JCGM 100:2008 (GUM)
 * §7.2.6: "at most two significant digits" for the uncertainty, the estimate rounded to match). Every report table
 * uses this; CSV and JSON outputs keep full precision.
 *
 * Integer parts of five digits and more are grouped with commas (4110, 67,920). Where plain decimals would need three or more trailing
 * or leading zeros (10⁶ and above with a coarse SD, below 10⁻³), value and SD share one power of ten
 * ("6.7917 × 10⁹" and "0.0025 × 10⁹") so that they stay comparable.
 */

export interface RoundedPair {
  /** The value, rounded to the SD's decimal place ('–' when not a number). */
  value: string;
  /** The SD with two significant digits ('–' when missing or invalid, '0' for an exact value). */
  sd: string;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** Significant digits of a value shown without an SD (or with SD 0). */
const PLAIN_DIGITS = 4;

/** x rounded to a multiple of 10^place, as text (place < 0: decimals), thousands grouped, no "-0". */
function fixedAt(x: number, place: number): string {
  let s: string;
  if (place < 0) s = x.toFixed(-place);
  else {
    const step = 10 ** place;
    s = String(Math.round(x / step) * step);
  }
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot);
  // Four-digit integers stay whole (SI style: 4110, 67,920).
  const grouped = int.length > 4 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
  return `${neg ? '-' : ''}${grouped}${frac}`;
}

const pow10 = (e: number) =>
  ` × 10${String(e)
    .split('')
    .map((c) => SUPERSCRIPT[c])
    .join('')}`;

/** Decimal place (power of ten) of the last of `digits` significant digits of |x| > 0. */
const lastPlace = (x: number, digits: number) => Math.floor(Math.log10(Math.abs(x))) - digits + 1;

/** A value alone: four significant digits (the integer part kept whole), no trailing zeros. */
export function formatPlain(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const a = Math.abs(value);
  const e = a >= 1e6 || a < 1e-3 ? Math.floor(Math.log10(a)) : 0;
  const m = value / 10 ** e;
  // Without an SD trailing zeros would claim a precision nobody stated: 5 stays "5", not "5.000".
  const text = fixedAt(m, Math.min(0, lastPlace(m, PLAIN_DIGITS)))
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  return `${text}${e ? pow10(e) : ''}`;
}

/**
 * Value and SD rounded together: the SD to two significant digits, the value to the SD's decimal place.
 * A missing, NaN or negative SD leaves the value as formatPlain gives it and the SD '–'; SD 0 gives the same
 * value and '0'; an infinite SD gives '∞'; a value that is not a number gives '–'.
 */
export function roundToSd(value: number | undefined, sd: number | undefined): RoundedPair {
  const validSd = sd !== undefined && !Number.isNaN(sd) && sd >= 0;
  if (value === undefined || !Number.isFinite(value) || !validSd || sd === 0 || !Number.isFinite(sd)) {
    const sdText = !validSd ? '–' : sd === 0 ? '0' : Number.isFinite(sd) ? formatPlain(sd) : '∞';
    return { value: formatPlain(value), sd: sdText };
  }
  let place = lastPlace(sd, 2);
  // 9.96 → 10: the carry adds a digit; keep two significant digits of the rounded SD.
  if (Math.round(sd / 10 ** place) >= 100) place += 1;
  // A shared power of ten when plain decimals would need ≥ 3 trailing zeros (≥ 10⁶) or ≥ 3 leading ones (< 10⁻³).
  const ref = Math.max(Math.abs(value), sd);
  const e = (ref >= 1e6 && place >= 3) || ref < 1e-3 ? Math.floor(Math.log10(ref)) : 0;
  const suffix = e ? pow10(e) : '';
  return {
    value: `${fixedAt(value / 10 ** e, place - e)}${suffix}`,
    sd: `${fixedAt(sd / 10 ** e, place - e)}${suffix}`,
  };
}

/** "value ± SD unit" in one string (the SD's power of ten shown once: "(6.7917 ± 0.0025) × 10⁹"). */
export function formatValueSd(value: number | undefined, sd: number | undefined, unit = ''): string {
  const r = roundToSd(value, sd);
  const u = unit ? (unit.startsWith(' ') || unit === '%' ? unit : ` ${unit}`) : '';
  if (r.sd === '–') return `${r.value}${u}`;
  const k = r.value.indexOf(' × 10');
  if (k >= 0 && r.sd.endsWith(r.value.slice(k)))
    return `(${r.value.slice(0, k)} ± ${r.sd.slice(0, r.sd.length - (r.value.length - k))})${r.value.slice(k)}${u}`;
  return `${r.value} ± ${r.sd}${u}`;
}
