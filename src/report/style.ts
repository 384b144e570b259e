/** The report's stylesheet, inlined into every report (no external resources). Print-friendly: A4, no breaks inside figures or tables. */
export const REPORT_CSS = `
:root { --fg: #222; --muted: #666; --rule: #d0d0d0; --warn: #a04000; --warnbg: #fff4e5; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1000px; padding: 24px; line-height: 1.4; font-size: 14px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header .subtitle { color: var(--muted); margin: 0 0 12px; }
h2 { font-size: 17px; border-bottom: 1px solid var(--rule); padding-bottom: 3px; margin-top: 28px; }
figure { margin: 14px 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.figure-row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
table { border-collapse: collapse; margin: 10px 0; font-size: 13px; break-inside: avoid; page-break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #888; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.best { font-weight: bold; }
tr.group th { background: #f3f3f3; text-transform: capitalize; }
tr.flagged td, tr.flagged th { background: var(--warnbg); }
td.flag { color: var(--warn); font-size: 12px; }
table.kv th { font-weight: normal; color: var(--muted); }
.header-tables { display: flex; flex-wrap: wrap; gap: 0 28px; align-items: flex-start; }
.header-tables table { flex: 1 1 400px; }
.header-tables table.kv th { white-space: nowrap; }
.warnings { background: var(--warnbg); border-left: 4px solid var(--warn); padding: 6px 12px; margin: 10px 0; }
.warnings ul { margin: 4px 0; padding-left: 18px; }
.note { color: var(--muted); font-size: 12px; }
.wide { overflow-x: auto; }
table.data td.num, table.data th { white-space: nowrap; }
table.data td { min-width: 6em; }
footer { color: var(--muted); font-size: 11px; margin-top: 36px; border-top: 1px solid var(--rule); padding-top: 6px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  @page { size: A4; margin: 15mm; }
}
`;
