import { describe, expect, it } from 'vitest';
import { formatCsv, formatCsvNumbers, formatCsvRow, parseCsv, roundedCell } from '../../src/io/csv.js';

describe('io/csv', () => {
  it('quotes fields holding commas, quotes or line breaks, and only those', () => {
    expect(formatCsvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 1.5, -0])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\rhere",1.5,0',
    );
  });

  it('reads back what it writes, quoted fields included', () => {
    const header = ['name', 'note', 'value'];
    const rows = [
      ['Lip13a+Lip13b', 'fat, 1.3 ppm', 0.1 + 0.2],
      ['"quoted"', 'line one\nline two', 1e-300],
      ['', '', Number.MAX_VALUE],
    ];
    const text = formatCsv(header, rows);
    expect(text.endsWith('\n')).toBe(true);
    const t = parseCsv(text);
    expect(t.header).toEqual(header);
    expect(t.rows).toEqual(rows.map((r) => r.map(String)));
    // Numbers round-trip bit for bit.
    expect(Number(t.rows[0][2])).toBe(0.1 + 0.2);
  });

  it('writes an unquoted table byte for byte as a comma join', () => {
    const rows = [
      ['a', roundedCell(1 / 3, 7), roundedCell(undefined, 7)],
      ['b', roundedCell(Number.NaN, 7), roundedCell(2.5e-8, 7)],
    ];
    expect(formatCsv(['x', 'y', 'z'], rows)).toBe('x,y,z\na,0.3333333,\nb,,2.5e-8\n');
  });

  it('writes rows of numbers as formatCsvRow does, NaN and infinities included', () => {
    const values = [0.1 + 0.2, -0, 1e21, 1e-7, 5e-324, -1.5, 123456789.125, Number.MAX_VALUE];
    expect(formatCsvNumbers(Float64Array.from(values))).toBe(formatCsvRow(values));
    const odd = [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    expect(formatCsvNumbers(odd)).toBe('1,NaN,Infinity,-Infinity');
  });
});
