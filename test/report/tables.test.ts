import { describe, expect, it } from 'vitest';
import {
  concentrationTableHtml,
  errorTableHtml,
  formatP,
  formatValue,
  metricsTableHtml,
} from '../../src/report/tables.js';

describe('report tables', () => {
  it('formats values with three significant digits', () => {
    expect(formatValue(1.23456)).toBe('1.23');
    expect(formatValue(123.4)).toBe('123');
    expect(formatValue(0.0001234)).toBe('1.23e-4');
    expect(formatValue(undefined)).toBe('–');
    expect(formatP(0.0004)).toBe('< 0.001');
    expect(formatP(0.0123)).toBe('0.012');
  });

  it('flags rows whose SD exceeds the limit, keeps their own flags and escapes names', () => {
    const html = concentrationTableHtml({
      unit: 'mmol/kg',
      uncertaintyLabel: 'CRLB',
      rows: [
        { name: 'Cho', value: 2, sd: 0.2, group: 'metabolite' },
        { name: 'Gly<x>', value: 0.5, sd: 0.4, group: 'metabolite' },
        { name: 'L13', value: 60, sd: 1, group: 'lipid', flag: 'at bound' },
      ],
      warnings: ['did not converge'],
    });
    const rows = html.split('<tr').slice(1);
    expect(rows.filter((r) => r.startsWith(' class="flagged"'))).toHaveLength(2);
    expect(html).toContain('Gly&lt;x&gt;');
    expect(html).toContain('⚠ SD &gt; 50 %'); // 80 % CRLB
    expect(html).toContain('⚠ at bound');
    expect(html).toContain('<td class="num">10</td>'); // Cho: 0.2 / 2 = 10 %
    expect(html).toContain('did not converge');
    expect(html).toContain('<th>CRLB %</th>');
  });

  it('error table bolds the lowest error per row and prints P values', () => {
    const html = errorTableHtml({
      measure: 'MAE',
      methods: ['qCNN', 'NLLS'],
      rows: [{ component: 'Cho', errors: { qCNN: 0.1, NLLS: 0.2 }, pValue: 0.004 }],
    });
    expect(html).toContain(
      '<td class="num best">0.100</td><td class="num">0.200</td><td class="num">0.004</td>',
    );
  });

  it('metrics table shows counts and percentages', () => {
    const html = metricsTableHtml([{ method: 'cCNN', tp: 7, fn: 0, tn: 9, fp: 1, auc: 0.957 }]);
    expect(html).toContain('7/7 (100 %)');
    expect(html).toContain('9/10 (90 %)');
    expect(html).toContain('16/17 (94 %)');
    expect(html).toContain('0.957');
  });
});
