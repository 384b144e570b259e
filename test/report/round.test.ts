import { describe, expect, it } from 'vitest';
import { formatPlain, formatValueSd, roundToSd } from '../../src/report/round.js';

describe('roundToSd: the SD to two significant digits, the value to the same decimal place', () => {
  it('rounds the cases a report meets', () => {
    expect(roundToSd(67916.8597, 254.4939)).toEqual({ value: '67,920', sd: '250' });
    expect(roundToSd(1.874, 0.43)).toEqual({ value: '1.87', sd: '0.43' });
    expect(roundToSd(12.3456, 0.0123)).toEqual({ value: '12.346', sd: '0.012' });
    expect(roundToSd(4110, 540)).toEqual({ value: '4110', sd: '540' }); // four digits stay whole
    expect(roundToSd(2.1, 0.05)).toEqual({ value: '2.100', sd: '0.050' });
    expect(roundToSd(1000000, 1)).toEqual({ value: '1,000,000.0', sd: '1.0' });
  });

  it('keeps two digits when the SD rounds up to the next power of ten', () => {
    expect(roundToSd(9.96, 9.96)).toEqual({ value: '10', sd: '10' });
    expect(roundToSd(123.456, 0.0996)).toEqual({ value: '123.46', sd: '0.10' });
  });

  it('negative values, and values smaller than their SD', () => {
    expect(roundToSd(-1.23456, 0.0567)).toEqual({ value: '-1.235', sd: '0.057' });
    expect(roundToSd(-0.004, 0.3)).toEqual({ value: '0.00', sd: '0.30' }); // no "-0.00"
    expect(roundToSd(0.3, 25)).toEqual({ value: '0', sd: '25' });
    expect(roundToSd(-67916.8597, 254.4939)).toEqual({ value: '-67,920', sd: '250' });
  });

  it('SD 0, missing, NaN, negative or infinite', () => {
    expect(roundToSd(1.2345, 0)).toEqual({ value: '1.234', sd: '0' });
    expect(roundToSd(5, undefined)).toEqual({ value: '5', sd: '–' });
    expect(roundToSd(5, Number.NaN)).toEqual({ value: '5', sd: '–' });
    expect(roundToSd(5, -1)).toEqual({ value: '5', sd: '–' });
    expect(roundToSd(3, Number.POSITIVE_INFINITY)).toEqual({ value: '3', sd: '∞' });
    expect(roundToSd(Number.NaN, 1)).toEqual({ value: '–', sd: '1' });
    expect(roundToSd(undefined, undefined)).toEqual({ value: '–', sd: '–' });
    expect(roundToSd(Number.NEGATIVE_INFINITY, 1).value).toBe('-∞');
  });

  it('large and small magnitudes share one power of ten', () => {
    expect(roundToSd(6.79168e9, 2.5e6)).toEqual({ value: '6.7917 × 10⁹', sd: '0.0025 × 10⁹' });
    expect(roundToSd(1.2345e-7, 5.6e-9)).toEqual({ value: '1.235 × 10⁻⁷', sd: '0.056 × 10⁻⁷' });
    expect(roundToSd(0.00012, 0.00001)).toEqual({ value: '1.20 × 10⁻⁴', sd: '0.10 × 10⁻⁴' });
    expect(roundToSd(0.0011, 0.0002)).toEqual({ value: '0.00110', sd: '0.00020' });
  });

  it('formatValueSd writes one string with the unit and the power of ten once', () => {
    expect(formatValueSd(67916.8597, 254.4939, 'mmol/kg')).toBe('67,920 ± 250 mmol/kg');
    expect(formatValueSd(12.345, 0.43, '%')).toBe('12.35 ± 0.43%');
    expect(formatValueSd(12.345, 0.43, ' %')).toBe('12.35 ± 0.43 %');
    expect(formatValueSd(6.79168e9, 2.5e6)).toBe('(6.7917 ± 0.0025) × 10⁹');
    expect(formatValueSd(5, undefined, 'Hz')).toBe('5 Hz');
  });

  it('formatPlain: four significant digits without trailing zeros', () => {
    expect(formatPlain(1.23456)).toBe('1.235');
    expect(formatPlain(5)).toBe('5');
    expect(formatPlain(67916.8597)).toBe('67,917');
    expect(formatPlain(123456789)).toBe('1.235 × 10⁸');
    expect(formatPlain(-0.00001234)).toBe('-1.234 × 10⁻⁵');
    expect(formatPlain(0)).toBe('0');
  });
});
