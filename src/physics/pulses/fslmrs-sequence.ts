import { InputError } from '../../core/errors.js';
import { parseJsonObject } from './json.js';
import { amplitudeIntegral, peakB1Hz, type RfPulse } from './pulse.js';
import { GAMMA_1H_HZ_PER_T } from './pta.js';
import type { ShapedPulseStep, ShapedSequence, ShapedStep } from './sequence.js';
import type { SpectralGrid } from '../../core/grid.js';

/**
 * FSL-MRS's JSON sequence description (fsl_mrs_sim; docs/user_docs/seq_file_params.rst of FSL-MRS): top-level
 * B0 (T), centralShift (ppm), RX_Points, RX_SW (Hz), x/y/z ranges and resolution [nx, ny, nz], CoherenceFilter
 * (one order per block, ending on -1), RFUnits (Hz|T|mT|uT), GradUnits (Hz|T|mT, per metre), spaceUnits
 * (mm|cm|m), delays (s, end of one pulse to the start of the next; the last one ends at the echo) and
 * rephaseAreas (per block, per axis, s x GradUnits/m), and RF: blocks of time (s), amp[], phase[] (rad),
 * grad [gx, gy, gz], optional frequencyOffset (Hz), phaseOffset (rad) and ampScale.
 *
 * Mapping to this engine: FSL-MRS detects coherence order -1 and this engine +1, so every order is negated;
 * each pulse must select along at most one axis, and the pulses of one axis must follow each other (the 1-D
 * projection; semi-LASER pairs are simulated per position together); a pulse's frequency offset becomes a linear phase ramp;
 * the rephasing area on the pulse's own axis becomes its rephase time (area / slice gradient), an area on the
 * next pulse's axis becomes that pulse's prephase. Other areas are crushers, which the coherence selection
 * already stands for.
 */
export interface FslSequence extends SpectralGrid {
  sequence: ShapedSequence;
  name: string;
  description: string;
}

type Json = Record<string, unknown>;

const RF_UNITS: Record<string, number> = {
  Hz: 1,
  T: GAMMA_1H_HZ_PER_T,
  mT: GAMMA_1H_HZ_PER_T * 1e-3,
  uT: GAMMA_1H_HZ_PER_T * 1e-6,
};
const GRAD_UNITS: Record<string, number> = { Hz: 1, T: GAMMA_1H_HZ_PER_T, mT: GAMMA_1H_HZ_PER_T * 1e-3 };
const SPACE_UNITS: Record<string, number> = { mm: 1e-3, cm: 1e-2, m: 1 };

export function readFslSequence(text: string, file = 'sequence.json', couplingSteps?: number): FslSequence {
  const root: Json = parseJsonObject(text, file, 'an FSL-MRS sequence file');
  const bad = (field: string, value: unknown, expected: string) =>
    new InputError(`${field} = ${JSON.stringify(value)?.slice(0, 60)}`, { file, field, expected });
  // FSL-MRS accepts both RX_ and Rx_ spellings.
  const get = (key: string) => root[key] ?? root[key.replace(/^RX_/, 'Rx_')];
  const num = (key: string, fallback?: number): number => {
    const v = get(key) ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, v, 'a number');
    return v;
  };
  const numbers = (v: unknown, field: string, length?: number): number[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw bad(field, v, 'a list of numbers');
    }
    if (length !== undefined && v.length !== length) throw bad(field, v, `${length} numbers`);
    return v as number[];
  };
  const unit = (key: string, table: Record<string, number>, fallback: string): number => {
    const v = root[key] ?? fallback;
    if (typeof v !== 'string' || !(v in table)) throw bad(key, v, `one of ${Object.keys(table).join(', ')}`);
    return table[v];
  };
  const b0 = num('B0');
  if (!(b0 > 0)) throw bad('B0', b0, 'a field > 0 in tesla');
  const rfUnit = unit('RFUnits', RF_UNITS, 'Hz');
  const gradUnit = unit('GradUnits', GRAD_UNITS, 'T');
  const space = unit('spaceUnits', SPACE_UNITS, 'm');
  const ranges = ['x', 'y', 'z'].map((a) => numbers(root[a], a, 2).map((v) => v * space));
  const resolution = numbers(root.resolution, 'resolution', 3);
  const blocks = root.RF;
  if (!Array.isArray(blocks) || blocks.length === 0) throw bad('RF', blocks, 'a list of RF blocks');
  const filter = root.CoherenceFilter;
  if (!Array.isArray(filter) || filter.length !== blocks.length) {
    throw bad('CoherenceFilter', filter, `one coherence order per RF block (${blocks.length})`);
  }
  filter.forEach((p, i) => {
    if (typeof p !== 'number' || !Number.isInteger(p)) {
      throw bad(`CoherenceFilter[${i}]`, p, 'an integer order (no selection, None, is not supported)');
    }
  });
  if (filter[filter.length - 1] !== -1) throw bad('CoherenceFilter', filter, 'a filter ending on -1');
  const delays = numbers(root.delays, 'delays', blocks.length);
  const areas = Array.isArray(root.rephaseAreas) ? root.rephaseAreas : [];
  const steps: ShapedStep[] = [];
  const usedAxes = new Set<number>();
  const axisOf: number[] = [];
  const areaOf: number[][] = [];
  const pulseSteps: ShapedPulseStep[] = [];
  blocks.forEach((raw, i) => {
    const where = `RF[${i}]`;
    if (!raw || typeof raw !== 'object') throw bad(where, raw, 'an RF block object');
    const b = raw as Json;
    const time = b.time;
    if (typeof time !== 'number' || !(time > 0)) throw bad(`${where}.time`, time, 'a duration > 0 s');
    const amp = numbers(b.amp, `${where}.amp`);
    const phase = numbers(b.phase, `${where}.phase`, amp.length);
    const grad = numbers(b.grad, `${where}.grad`, 3);
    const scale = typeof b.ampScale === 'number' ? b.ampScale : 1;
    const freq = typeof b.frequencyOffset === 'number' ? b.frequencyOffset : 0;
    const phaseOffset = typeof b.phaseOffset === 'number' ? b.phaseOffset : 0;
    const n = amp.length;
    const dt = time / n;
    let peak = 0;
    for (const a of amp) peak = Math.max(peak, Math.abs(a));
    if (!(peak > 0)) throw bad(`${where}.amp`, amp.slice(0, 4), 'a non-zero amplitude');
    const pulse: RfPulse = {
      name: `${String(root.sequenceName ?? 'fsl')}-${i}`,
      duration: time,
      flipDegrees: 0,
      amplitude: Float64Array.from(amp, (a) => Math.abs(a) / peak),
      phase: Float64Array.from(
        phase,
        (p, k) => p + (amp[k] < 0 ? Math.PI : 0) + 2 * Math.PI * freq * (k + 0.5) * dt,
      ),
      b1MaxHz: peak * scale * rfUnit,
    };
    // Nominal flip from the amplitude integral, so that peakB1Hz returns b1MaxHz exactly.
    pulse.flipDegrees = 360 * pulse.b1MaxHz! * time * amplitudeIntegral(pulse) || 180;
    const axes = grad.map((g, a) => (g !== 0 ? a : -1)).filter((a) => a >= 0);
    if (axes.length > 1) throw bad(`${where}.grad`, grad, 'a slice gradient on one axis at most');
    const axis = axes.length === 1 ? axes[0] : -1;
    if (axis >= 0) {
      // The 1-D projection needs the pulses of one axis to follow each other (semi-LASER pairs do).
      if (usedAxes.has(axis) && axisOf[axisOf.length - 1] !== axis) {
        throw bad(`${where}.grad`, grad, 'pulses on one axis to follow each other (1-D projection)');
      }
      usedAxes.add(axis);
    }
    const g = axis >= 0 ? grad[axis] * gradUnit : 0;
    let positions = Float64Array.of(0);
    if (axis >= 0) {
      const [lo, hi] = ranges[axis];
      const count = resolution[axis];
      if (!Number.isInteger(count) || count < 1) throw bad('resolution', resolution, 'positive integers');
      positions =
        count === 1
          ? Float64Array.of((lo + hi) / 2)
          : Float64Array.from({ length: count }, (_, k) => lo + ((hi - lo) * k) / (count - 1));
    }
    const area = Array.isArray(areas[i]) ? numbers(areas[i], `rephaseAreas[${i}]`, 3) : [0, 0, 0];
    const step: ShapedPulseStep = {
      kind: 'pulse',
      pulse,
      flipDegrees: pulse.flipDegrees,
      phase: phaseOffset,
      keep: -(filter[i] as number),
      gradientHzPerM: g,
      positions,
      prephaseSeconds: 0,
      rephaseSeconds: axis >= 0 && g !== 0 ? (area[axis] * gradUnit) / g : 0,
      axis: axis >= 0 ? axis : undefined,
    };
    steps.push(step);
    steps.push({ kind: 'delay', seconds: delays[i] });
    axisOf.push(axis);
    areaOf.push(area);
    pulseSteps.push(step);
  });
  // An area in block i on the axis of pulse i + 1 prephases that pulse.
  for (let i = 0; i + 1 < pulseSteps.length; i++) {
    const a = axisOf[i + 1];
    const next = pulseSteps[i + 1];
    if (a >= 0 && a !== axisOf[i] && areaOf[i][a] !== 0 && next.gradientHzPerM !== 0) {
      next.prephaseSeconds += (areaOf[i][a] * gradUnit) / next.gradientHzPerM;
    }
  }
  return {
    sequence: { name: String(root.sequenceName ?? 'fsl-mrs'), steps, couplingSteps },
    spectrometerFrequency: b0 * GAMMA_1H_HZ_PER_T * 1e-6,
    ppmReference: num('centralShift', 0),
    points: num('RX_Points'),
    dwellTime: 1 / num('RX_SW'),
    name: String(root.sequenceName ?? ''),
    description: String(root.description ?? ''),
  };
}

/** Writes a shaped sequence as an FSL-MRS sequence description (Hz RF units, Hz/m gradients, metres). */
export function writeFslSequence(sequence: ShapedSequence, protocol: SpectralGrid): string {
  const pulses = sequence.steps.filter((s): s is ShapedPulseStep => s.kind === 'pulse');
  const delays: number[] = [];
  sequence.steps.forEach((s, i) => {
    if (s.kind !== 'pulse') return;
    const next = sequence.steps[i + 1];
    delays.push(next && next.kind === 'delay' ? next.seconds : 0);
  });
  const ranges: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  const resolution = [1, 1, 1];
  const rf = pulses.map((p, i) => {
    const axis = p.gradientHzPerM !== 0 ? (p.axis ?? i) : -1;
    if (axis > 2) throw new RangeError('writeFslSequence: more than three slice axes');
    const grad = [0, 0, 0];
    if (axis >= 0) {
      grad[axis] = p.gradientHzPerM;
      const xs = p.positions;
      ranges[axis] = [xs[0], xs[xs.length - 1]];
      resolution[axis] = xs.length;
    }
    const peak = peakB1Hz(p.pulse, p.flipDegrees);
    return {
      time: p.pulse.duration,
      frequencyOffset: 0,
      phaseOffset: p.phase,
      amp: Array.from(p.pulse.amplitude, (a) => a * peak),
      phase: Array.from(p.pulse.phase),
      grad,
    };
  });
  const areas = pulses.map(() => [0, 0, 0]);
  pulses.forEach((p, i) => {
    if (p.gradientHzPerM === 0) return;
    const axis = p.axis ?? i;
    areas[i][axis] += p.rephaseSeconds * p.gradientHzPerM;
    if (p.prephaseSeconds !== 0) {
      if (i === 0) throw new RangeError('writeFslSequence: the first pulse cannot be prephased');
      areas[i - 1][axis] += p.prephaseSeconds * p.gradientHzPerM;
    }
  });
  return JSON.stringify(
    {
      sequenceName: sequence.name,
      description: 'written by livermrs',
      B0: (protocol.spectrometerFrequency * 1e6) / GAMMA_1H_HZ_PER_T,
      centralShift: protocol.ppmReference,
      RX_Points: protocol.points,
      RX_SW: 1 / protocol.dwellTime,
      RX_LW: 0,
      RX_Phase: 0,
      x: ranges[0],
      y: ranges[1],
      z: ranges[2],
      resolution,
      CoherenceFilter: pulses.map((p) => -p.keep),
      RFUnits: 'Hz',
      GradUnits: 'Hz',
      spaceUnits: 'm',
      RF: rf,
      delays,
      rephaseAreas: areas,
    },
    null,
    1,
  );
}
