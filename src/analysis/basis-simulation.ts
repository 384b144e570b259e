import type { BasisSet } from '../core/basis.js';
import { UsageError } from '../core/errors.js';
import type { OutputDir } from '../io/atomic.js';
import { writeBasisJson } from '../io/basis-json.js';
import type { BasisFormat } from '../io/format-ids.js';
import { writeFslBasis } from '../io/fslmrs-basis.js';
import { writeLcmBasis } from '../io/lcmodel/basis.js';
import { defaultLineStore } from '../io/line-store.js';
import { readPulseSetOption } from '../io/pulse-set-file.js';
import { simulateBasisParallel } from '../physics/basis-parallel.js';
import {
  BRAIN_METABOLITES,
  LIVER_COMPONENTS,
  loadSpinSystems,
  type SimulateBasisOptions,
  type SpinSystemLibrary,
  simulateLineLists,
} from '../physics/index.js';
import type { Protocol } from '../physics/protocol.js';
import { basisPlotSvg } from '../report/basis-plot.js';
import {
  type BasisProtocolOptions,
  type GivenOption,
  type LikeSource,
  protocolFromOptions,
  protocolLike,
  protocolOfSequenceFile,
} from './basis-protocol.js';

/** A basis to simulate (`livermrs basis` options, in its units): the protocol, the components and the engine. */
export interface BasisRequest extends BasisProtocolOptions {
  /** Molecule names and the sets 'liver' (default) and 'brain'. */
  metabolites?: string[];
  linewidth: number;
  gaussian: number;
  exchangeable?: boolean;
  /** Extra spin-system YAML file or folder. */
  spinSystems?: string;
  /** Shaped pulses: a pulse-set JSON file or 'default'. */
  pulses?: string;
  grid?: number;
  /** An FSL-MRS sequence description simulated as given. */
  sequenceFile?: string;
  /** A data file whose header gives the protocol. */
  like?: string;
  /** Worker threads of the shaped engine (default: every core). */
  threads?: number;
}

/** A simulated basis with what it was made from. */
export interface SimulatedBasis {
  basis: BasisSet;
  protocol: Protocol;
  components: string[];
  like?: LikeSource;
  seconds: number;
  /** The options the basis was simulated with (the line lists of basis.json are made with the same). */
  options: SimulateBasisOptions;
}

/** `sets`: named component sets accepted besides molecule names. */
function resolveComponents(
  list: string[] | undefined,
  library: SpinSystemLibrary,
  sets: Record<string, readonly string[]>,
): string[] {
  const out: string[] = [];
  for (const item of list ?? ['liver']) {
    const set = sets[item.toLowerCase()];
    const names = set ? [...set] : [item];
    for (const n of names) {
      if (!library.has(n)) {
        throw new UsageError(
          `--metabolites: unknown component '${n}' (known: liver, brain, ${library.names().join(', ')})`,
        );
      }
      if (!out.includes(n)) out.push(n);
    }
  }
  if (out.length === 0) throw new UsageError('--metabolites: empty list');
  return out;
}

/** pulses and grid as a pulse set (undefined: ideal pulses). */
function pulseSetOf(o: BasisRequest, sequence: Protocol['sequence']) {
  if (o.pulses === undefined) {
    if (o.grid !== undefined) throw new UsageError('--grid needs --pulses (the ideal engine has no slices)');
    return undefined;
  }
  if (sequence === 'fid') throw new UsageError('--pulses needs --sequence press, steam or slaser');
  return readPulseSetOption(o.pulses, o.grid);
}

/**
 * Simulates the requested basis: the protocol from the options, a data file (`like`) or an FSL-MRS sequence
 * file, ideal or shaped pulses (over `threads` worker threads). `given` says which options the user gave.
 */
export async function simulateBasisRequest(o: BasisRequest, given: GivenOption): Promise<SimulatedBasis> {
  if (o.like !== undefined && o.sequenceFile !== undefined) {
    throw new UsageError('--like and --sequence-file both given (expected one of them)');
  }
  const fromFile =
    o.sequenceFile === undefined ? undefined : protocolOfSequenceFile(o.sequenceFile, o, given);
  const like = o.like === undefined ? undefined : protocolLike(o.like, o, given);
  const protocol = fromFile?.protocol ?? like?.protocol ?? protocolFromOptions(o);
  const library = loadSpinSystems(o.spinSystems);
  const pulses = pulseSetOf(o, protocol.sequence);
  const components = resolveComponents(o.metabolites, library, {
    liver: LIVER_COMPONENTS,
    brain: BRAIN_METABOLITES,
  });
  const started = performance.now();
  const options: SimulateBasisOptions = {
    library,
    linewidthHz: o.linewidth,
    gaussianHz: o.gaussian,
    includeExchangeable: o.exchangeable,
    pulses,
    shapedSequence: fromFile?.sequence,
    store: pulses || fromFile ? defaultLineStore() : undefined,
  };
  const shaped = pulses !== undefined || fromFile !== undefined;
  if (o.threads !== undefined && !shaped) {
    throw new UsageError('--threads needs --pulses or --sequence-file (the ideal engine takes 0.04 s)');
  }
  const basis = await simulateBasisParallel(protocol, components, options, o.threads);
  if (like) basis.meta = { ...basis.meta, like: like.source };
  const seconds = (performance.now() - started) / 1000;
  return { basis, protocol, components, like: like?.source, seconds, options };
}

/** `PRESS TE 30 ms 127.76 MHz 2000 Hz 1024 pts`: the basis's protocol in one line (LCModel's basis id). */
export function basisId(b: BasisSet): string {
  const te = b.echoTime !== undefined ? ` TE ${+(b.echoTime * 1000).toFixed(3)} ms` : '';
  return `${(b.sequence ?? '').toUpperCase()}${te} ${b.spectrometerFrequency.toFixed(2)} MHz ${(1 / b.dwellTime).toFixed(0)} Hz ${b.points} pts`;
}

/**
 * Writes the basis into `dir` in `format` (json: basis.json with line lists; lcmodel: basis.BASIS; fsl: one
 * <name>.json per component) and, unless `plot` is false, an SVG of every component (named `plot` when it is
 * a string, else basis.svg). Returns the paths written.
 */
export function writeBasisFiles(
  dir: OutputDir,
  sim: SimulatedBasis,
  format: BasisFormat,
  plot?: boolean | string,
): string[] {
  const { basis } = sim;
  const written: string[] = [];
  if (format === 'json') {
    const lines = simulateLineLists(sim.protocol, sim.components, sim.options);
    written.push(dir.write('basis.json', writeBasisJson(basis, lines)));
  } else if (format === 'lcmodel') {
    written.push(dir.write('basis.BASIS', writeLcmBasis(basis, { id: basisId(basis) })));
  } else {
    for (const f of writeFslBasis(basis, 'livermrs')) written.push(dir.write(f.name, f.text));
  }
  if (plot !== false) {
    const name = typeof plot === 'string' ? plot : 'basis.svg';
    written.push(dir.write(name, basisPlotSvg(basis)));
  }
  return written;
}

/** The summary `livermrs basis --json` prints. */
export function basisSummary(sim: SimulatedBasis, out: string, format: BasisFormat, files: string[]) {
  const { basis, like } = sim;
  return {
    out,
    format,
    files,
    protocol: sim.protocol,
    ...(like ? { like } : {}),
    seconds: Math.round(sim.seconds * 1000) / 1000,
    components: basis.names.map((name) => ({ name, ...basis.components?.[name] })),
  };
}

/** The summary as text lines: components, protocol, time, the data file it is like, the files written. */
export function basisSummaryText(sim: SimulatedBasis, files: string[]): string {
  const { basis, like } = sim;
  return (
    `basis: ${basis.names.length} components, ${basisId(basis)}, simulated in ${Math.round(sim.seconds * 1000) / 1000} s\n` +
    (like ? `  like ${like.file}${like.note ? ` (${like.note})` : ''}\n` : '') +
    files.map((f) => `  wrote ${f}\n`).join('')
  );
}
