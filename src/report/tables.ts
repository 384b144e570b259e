import { confusionFractions } from './figures/confusion.js';
import { formatPlain, roundToSd } from './round.js';
import { escapeXml } from './svg-plot.js';
import type {
  ConcentrationRow,
  ConcentrationTableInput,
  DataTableInput,
  ErrorTableInput,
  MetricsRow,
} from './types.js';

/** Three significant digits; exponent form outside 1e-3..1e5; '–' for missing values. */
export function formatValue(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

/** P values as journals print them: 3 decimals, '< 0.001' below. */
export function formatP(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function sdPercentOf(r: Pick<ConcentrationRow, 'value' | 'sd' | 'sdPercent'>): number | undefined {
  if (r.sdPercent !== undefined) return r.sdPercent;
  if (r.sd === undefined) return undefined;
  return r.value === 0 ? Number.POSITIVE_INFINITY : (100 * r.sd) / Math.abs(r.value);
}

/** The flags of a row: its own flag and an uncertainty above the limit. */
export function rowFlags(r: ConcentrationRow, limit: number): string[] {
  const flags = r.flag ? [r.flag] : [];
  const p = sdPercentOf(r);
  if (p !== undefined && p > limit) flags.push(`SD > ${limit} %`);
  return flags;
}

function cell(s: string, cls?: string): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${s}</td>`;
}

/**
 * Concentration table: component, value ± SD (CRLB or predicted SD; both rounded to the SD's precision by
 * round.ts), SD %, extra columns, flags; rows grouped by `group` (metabolites, lipids, sums) in the order they
 * first appear. Flagged rows get class "flagged".
 */
export function concentrationTableHtml(t: ConcentrationTableInput): string {
  const limit = t.sdWarnPercent ?? 50;
  const label = t.uncertaintyLabel ?? 'SD';
  const extras = [...new Set(t.rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const head = [
    'component',
    `value (${escapeXml(t.unit)})`,
    escapeXml(label),
    `${escapeXml(label)} %`,
    ...extras.map(escapeXml),
    'flags',
  ];
  const groups = [...new Set(t.rows.map((r) => r.group ?? ''))];
  const body: string[] = [];
  for (const g of groups) {
    if (groups.length > 1 && g)
      body.push(`<tr class="group"><th colspan="${head.length}">${escapeXml(g)}</th></tr>`);
    for (const r of t.rows.filter((x) => (x.group ?? '') === g)) {
      const flags = rowFlags(r, limit);
      const p = sdPercentOf(r);
      const rounded = roundToSd(r.value, r.sd);
      body.push(
        `<tr${flags.length ? ' class="flagged"' : ''}>${[
          `<th scope="row">${escapeXml(r.name)}</th>`,
          cell(rounded.value, 'num'),
          cell(rounded.sd, 'num'),
          cell(p === undefined ? '–' : Number.isFinite(p) ? p.toFixed(0) : '∞', 'num'),
          ...extras.map((e) => {
            const v = r.extra?.[e];
            return cell(typeof v === 'number' ? formatValue(v) : escapeXml(v ?? '–'), 'num');
          }),
          cell(flags.map((f) => `⚠ ${escapeXml(f)}`).join('<br>'), 'flag'),
        ].join('')}</tr>`,
      );
    }
  }
  const warnings = t.warnings?.length ? warningsHtml(t.warnings) : '';
  const note = t.note ? `<p class="note">${escapeXml(t.note)}</p>` : '';
  const caption = t.title ? `<caption>${escapeXml(t.title)}</caption>` : '';
  return `${warnings}<table class="data concentrations">${caption}<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>${note}`;
}

/** qCNN vs NLLS (or any methods) error table; the lowest error per row is bold. */
export function errorTableHtml(t: ErrorTableInput): string {
  const hasP = t.rows.some((r) => r.pValue !== undefined);
  const hasCrlb = t.rows.some((r) => r.crlb !== undefined);
  const head = [
    'component',
    ...t.methods.map(escapeXml),
    ...(hasP ? ['P'] : []),
    ...(hasCrlb ? ['CRLB'] : []),
  ];
  const rows = t.rows.map((r) => {
    const vals = t.methods.map((m) => r.errors[m]);
    const finite = vals.filter((v) => v !== undefined && Number.isFinite(v));
    const best = finite.length ? Math.min(...finite) : Number.NaN;
    const cells = vals.map((v) =>
      cell(
        formatValue(v),
        (t.highlightBest ?? true) && v === best && t.methods.length > 1 ? 'num best' : 'num',
      ),
    );
    return `<tr><th scope="row">${escapeXml(r.component)}</th>${cells.join('')}${hasP ? cell(formatP(r.pValue), 'num') : ''}${hasCrlb ? cell(formatValue(r.crlb), 'num') : ''}</tr>`;
  });
  const caption = `<caption>${escapeXml(t.title ?? 'Quantification error')}: ${escapeXml(t.measure)}</caption>`;
  const note = t.note ? `<p class="note">${escapeXml(t.note)}</p>` : '';
  return `<table class="data errors">${caption}<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${note}`;
}

/** Sensitivity, specificity and accuracy as counts (7/7) and percentages, and the AUC, per method. */
export function metricsTableHtml(rows: readonly MetricsRow[], title?: string): string {
  const pc = (a: number, b: number) => (b > 0 ? ` (${((100 * a) / b).toFixed(0)} %)` : '');
  const body = rows.map((r) => {
    const f = confusionFractions(r);
    return `<tr><th scope="row">${escapeXml(r.method)}</th>${cell(`${f.sensitivity}${pc(r.tp, r.tp + r.fn)}`, 'num')}${cell(
      `${f.specificity}${pc(r.tn, r.tn + r.fp)}`,
      'num',
    )}${cell(`${f.accuracy}${pc(r.tp + r.tn, r.tp + r.tn + r.fp + r.fn)}`, 'num')}${cell(
      r.auc === undefined ? '–' : r.auc.toFixed(3),
      'num',
    )}</tr>`;
  });
  const caption = title ? `<caption>${escapeXml(title)}</caption>` : '';
  return `<table class="data metrics">${caption}<thead><tr><th>method</th><th>sensitivity</th><th>specificity</th><th>accuracy</th><th>AUC</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

export function keyValueHtml(
  entries: readonly [string, string | number][],
  title?: string,
  id?: string,
): string {
  const caption = title ? `<caption>${escapeXml(title)}</caption>` : '';
  const rows = entries.map(
    ([k, v]) =>
      `<tr><th scope="row">${escapeXml(k)}</th><td>${escapeXml(typeof v === 'number' ? formatPlain(v) : v)}</td></tr>`,
  );
  return `<table class="kv"${id ? ` id="${escapeXml(id)}"` : ''}>${caption}<tbody>${rows.join('')}</tbody></table>`;
}

export function warningsHtml(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="warnings" role="note"><strong>Warnings</strong><ul>${warnings.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul></div>`;
}

/** A plain table; numbers right-aligned as given (already rounded by the caller), links on the first cell. */
export function dataTableHtml(t: DataTableInput): string {
  const caption = t.title ? `<caption>${escapeXml(t.title)}</caption>` : '';
  const head = `<thead><tr>${t.columns.map((c) => `<th scope="col">${escapeXml(c)}</th>`).join('')}</tr></thead>`;
  const rows = t.rows.map((r) => {
    const cells = r.cells.map((c, j) => {
      const text = escapeXml(String(c));
      const body = j === 0 && r.href ? `<a href="${escapeXml(r.href)}">${text}</a>` : text;
      const numeric = typeof c === 'number' || /^\(?[-−]?[\d.,]+(e[-+]?\d+)?( \(|$| ±)/.test(String(c));
      return `<td${numeric ? ' class="num"' : ''}>${body}</td>`;
    });
    return `<tr${r.flagged ? ' class="flagged"' : ''}>${cells.join('')}</tr>`;
  });
  const note = t.note ? `<p class="note">${escapeXml(t.note)}</p>` : '';
  return `<div class="wide"><table class="data">${caption}${head}<tbody>${rows.join('')}</tbody></table></div>${note}`;
}
