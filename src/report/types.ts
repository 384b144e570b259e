/**
 * Plain-data inputs of the report builder. Commands (fit, quantify, classify, study) convert their results into
 * these shapes; the report code knows nothing about the fitter, the networks or the study internals.
 *
 * Arrays are `ArrayLike<number>` so Float64Array views of a fit result can be passed without copying.
 * Spectra are real-valued traces on a ppm axis (the real part of the phased spectrum); ppm may be in any order.
 */

/** One spectrum with its fit, drawn on a reversed ppm axis (LCModel/FSL-MRS layout). */
export interface SpectrumFigureInput {
  /** Chemical shift of every point (ppm). */
  ppm: ArrayLike<number>;
  /** Real part of the (phased) data. */
  data: ArrayLike<number>;
  /** Total model (components + baseline + residual water). */
  fit?: ArrayLike<number>;
  baseline?: ArrayLike<number>;
  /** data - fit; drawn above the spectrum. Computed from data and fit when absent. */
  residual?: ArrayLike<number>;
  /** Per-component contributions (amplitude x lineshaped basis), drawn stacked below the spectrum. */
  components?: ComponentTrace[];
  /** Displayed ppm window [lo, hi]; default: the full ppm extent. */
  ppmRange?: [number, number];
  title?: string;
  /** Intensity unit for the y-axis label (default 'a.u.'). */
  unit?: string;
}

export interface ComponentTrace {
  name: string;
  values: ArrayLike<number>;
}

/** One row of a concentration table. */
export interface ConcentrationRow {
  name: string;
  /** Estimate (amplitude, mmol/kg, %, ...; see ConcentrationTableInput.unit). */
  value: number;
  /** One standard deviation: the CRLB of a fit, or the predicted SD of a network with a variance head. */
  sd?: number;
  /** sd as % of |value| (computed from value and sd when absent). */
  sdPercent?: number;
  /** Group shown as a table section: 'metabolite', 'lipid', 'combined', ... */
  group?: string;
  /** A per-row warning shown next to the value (e.g. 'at bound', 'CRLB > 50 %'). */
  flag?: string;
  /** Extra columns by header name (e.g. { 'ratio to Cr': 0.8 }). */
  extra?: Record<string, number | string>;
}

export interface ConcentrationTableInput {
  title?: string;
  rows: ConcentrationRow[];
  /** Unit of value and sd, e.g. 'mmol/kg', 'a.u.'. */
  unit: string;
  /** What sd is: 'CRLB' for a fit, 'predicted SD' for a qCNN. Default 'SD'. */
  uncertaintyLabel?: string;
  /** Rows whose sdPercent exceeds this are flagged (default 50, the usual CRLB quality limit). */
  sdWarnPercent?: number;
  /** Warnings about the whole result (fit did not converge, SNR low, ...). */
  warnings?: string[];
  /** Free text below the table (units, scaling assumptions). */
  note?: string;
}

/** A binary class probability, e.g. P(LC-HCC) from the cCNN. */
export interface ClassProbabilityInput {
  /** Probability of the positive class, 0..1. */
  probability: number;
  positiveLabel: string;
  negativeLabel: string;
  /** Decision threshold (default 0.5). */
  threshold?: number;
  /** Optional interval for the probability (e.g. over an ensemble or MC dropout), [lo, hi]. */
  interval?: [number, number];
  /** What produced it, e.g. 'cCNN (ensemble of 5)'. */
  model?: string;
  title?: string;
}

/** A ROC curve; points go from (0, 0) to (1, 1) (networks/classification-metrics.ts rocCurve output fits). */
export interface RocCurveInput {
  label: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc: number;
  /** Optional confidence interval of the AUC. */
  aucInterval?: [number, number];
  color?: string;
}

/** Counts of a binary confusion matrix, positive = the disease class (LC-HCC). */
export interface ConfusionInput {
  title: string;
  tp: number;
  fn: number;
  tn: number;
  fp: number;
  positiveLabel: string;
  negativeLabel: string;
}

/** Values of one metric over repeated studies, per method (box + strip plot). */
export interface DistributionInput {
  title: string;
  /** Axis label, e.g. 'accuracy' or 'AUC'. */
  metric: string;
  series: { label: string; values: ArrayLike<number>; color?: string }[];
  /** Fixed value range, e.g. [0, 1] for rates. */
  range?: [number, number];
  /** Horizontal reference lines, e.g. the paper's 16/17 accuracy. */
  references?: { value: number; label: string }[];
}

/** One row of the qCNN vs NLLS error table. */
export interface ErrorTableRow {
  component: string;
  /** Error summary per method, keyed by method label (e.g. { qCNN: 0.08, NLLS: 0.15 }). */
  errors: Record<string, number>;
  /** Paired test P value (Wilcoxon signed-rank), when computed. */
  pValue?: number;
  /** The CRLB expressed in the same error measure, when known (the floor for unbiased estimators). */
  crlb?: number;
}

export interface ErrorTableInput {
  title?: string;
  /** What the error numbers are, e.g. 'mean absolute percentage error (%)'. */
  measure: string;
  /** Column order of the methods. */
  methods: string[];
  rows: ErrorTableRow[];
  /** Highlight the lowest error per row (default true). */
  highlightBest?: boolean;
  note?: string;
}

/** Bias as a function of the true value, for one component, several methods. */
export interface BiasPlotInput {
  component: string;
  /** Value unit, e.g. 'mmol/kg'. */
  unit?: string;
  methods: { label: string; truth: ArrayLike<number>; estimate: ArrayLike<number>; color?: string }[];
  /** 'difference' plots estimate - truth (default); 'estimate' plots estimate vs truth with the identity line. */
  mode?: 'difference' | 'estimate';
}

/** Classification metrics of one method in one study (paper-style counts are derived from them). */
export interface MetricsRow {
  method: string;
  tp: number;
  fn: number;
  tn: number;
  fp: number;
  auc?: number;
}

/** A section of a report: one heading, its figures and tables, in order. */
export type ReportBlock =
  | { kind: 'spectrum'; id?: string; input: SpectrumFigureInput }
  /** Spectra side by side (e.g. the full range and a zoomed region), each `width` px wide (default 470). */
  | { kind: 'spectra'; id?: string; inputs: SpectrumFigureInput[]; width?: number }
  | { kind: 'concentrations'; input: ConcentrationTableInput }
  | { kind: 'probability'; id?: string; input: ClassProbabilityInput }
  | { kind: 'roc'; id?: string; title?: string; curves: RocCurveInput[] }
  | { kind: 'confusion'; id?: string; matrices: ConfusionInput[] }
  | { kind: 'metrics'; title?: string; rows: MetricsRow[] }
  | { kind: 'distribution'; id?: string; input: DistributionInput }
  | { kind: 'errors'; input: ErrorTableInput }
  | { kind: 'bias'; id?: string; title?: string; plots: BiasPlotInput[] }
  | { kind: 'keyValue'; title?: string; entries: [string, string | number][] }
  | { kind: 'table'; input: DataTableInput }
  | { kind: 'text'; text: string }
  /** A figure drawn by the caller (a standalone SVG, e.g. from svg-plot's linePlot). */
  | { kind: 'figure'; id: string; title: string; svg: string }
  | { kind: 'warnings'; warnings: string[] };

/** A plain table (e.g. one row per file of a batch); a row's first cell may link to another page. */
export interface DataTableInput {
  title?: string;
  columns: string[];
  rows: { cells: (string | number)[]; href?: string; flagged?: boolean }[];
  note?: string;
}

export interface ReportSection {
  heading: string;
  blocks: ReportBlock[];
}

export interface ReportInput {
  title: string;
  /** One line under the title, e.g. the input file. */
  subtitle?: string;
  /** Run facts shown as a table at the top: software version, date, command line, settings. */
  meta?: [string, string | number][];
  /**
   * The acquisition table the report opens with (MRSinMRS items, report/acquisition.ts acquisitionTable): shown
   * first, `meta` then follows it as "Analysis settings".
   */
  acquisition?: [string, string][];
  sections: ReportSection[];
  /** Footer text; default cites the livermrs version when `meta` has it. */
  footer?: string;
}

/** A figure of a report as standalone SVG, with a file-safe id. */
export interface ReportFigure {
  id: string;
  title: string;
  svg: string;
}
