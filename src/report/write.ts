import { join } from 'node:path';
import { type OutputDir, withOutputDir } from '../io/atomic.js';
import { buildReport } from './html.js';
import { svgToPng } from './png.js';
import type { ReportInput } from './types.js';

export interface WriteReportOptions {
  /** HTML file name inside the directory (default 'report.html'). */
  htmlName?: string;
  /** Also write figures/<id>.png (default true). */
  png?: boolean;
  /** Also write figures/<id>.svg (default true). */
  svg?: boolean;
  /** PNG pixel density (default 2). */
  pngScale?: number;
  /** Folder inside the output directory to write into (e.g. one per input file); default its root. */
  subdir?: string;
}

export interface WrittenReport {
  html: string;
  svg: string[];
  png: string[];
}

/** Writes the report page and its figures into an already staged output directory (for commands that write more). */
export async function writeReportInto(
  out: OutputDir,
  report: ReportInput,
  opts: WriteReportOptions = {},
): Promise<WrittenReport> {
  const built = buildReport(report);
  const at = (name: string) => (opts.subdir ? join(opts.subdir, name) : name);
  const written: WrittenReport = {
    html: out.write(at(opts.htmlName ?? 'report.html'), built.html),
    svg: [],
    png: [],
  };
  for (const f of built.figures) {
    if (opts.svg ?? true) written.svg.push(out.write(at(join('figures', `${f.id}.svg`)), f.svg));
    if (opts.png ?? true)
      written.png.push(
        out.write(at(join('figures', `${f.id}.png`)), await svgToPng(f.svg, { scale: opts.pngScale })),
      );
  }
  return written;
}

/**
 * Writes `<dir>/report.html` and `<dir>/figures/<id>.svg|png` as one transaction (io/atomic.ts): on an error or
 * Ctrl-C nothing of it is left behind, and files already in `dir` are kept.
 */
export function writeReport(
  dir: string,
  report: ReportInput,
  opts: WriteReportOptions = {},
): Promise<WrittenReport> {
  return withOutputDir(dir, (out) => writeReportInto(out, report, opts));
}
