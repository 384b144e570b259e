import { InputError } from '../../core/errors.js';
import type { Relaxation } from './water-fat-fit.js';

/**
 * Literature relaxation for the single-TE PDFF, per tissue and field (seconds). Each value names its source:
 *
 * - dB04 = de Bazelaire et al., Radiology 2004;230:652 (inversion recovery / multi-echo spin echo, 1.5 and 3 T,
 *   six volunteers): liver 3 T T1/T2 809/34 ms, 1.5 T 586/46 ms; paravertebral muscle 3 T 898/29 ms, 1.5 T
 *   856/27 ms; L4 vertebral marrow 3 T 586/49 ms, 1.5 T 549/49 ms (imaging values of the water–fat mixture);
 *   subcutaneous fat 3 T 382/68 ms, 1.5 T 343/58 ms. The 3 T values are those of the paper's abstract; the 1.5 T
 *   column is quoted from its table.
 * - Ru21 = Ruschke et al., NMR Biomed 2021;34:e4439: vertebral marrow WATER T2 from multi-TE STEAM MRS at 3 T,
 *   median 21.1 ms over 260 subjects (range 11.2–42.5 ms, shorter with more fat).
 *
 * Where a tissue has no component-specific value in these sources the nearest one is used and the table says
 * so: fat T1/T2 of every tissue are subcutaneous fat's (dB04); marrow water T1 is dB04's marrow (mixture) value,
 * marrow water T2 at 1.5 T is Ru21's 3 T value (T2 changes little with field in tissue); adipose water is
 * muscle water's. 'other' has no table: without the user's values the PDFF is the signal fat fraction.
 */
export type Tissue = 'liver' | 'marrow' | 'muscle' | 'adipose' | 'other';
export const TISSUES: readonly Tissue[] = ['liver', 'marrow', 'muscle', 'adipose', 'other'];

interface Entry {
  waterT1: number;
  waterT2: number;
  fatT1: number;
  fatT2: number;
  source: string;
}

const FAT_3T = { fatT1: 0.382, fatT2: 0.068 };
const FAT_15T = { fatT1: 0.343, fatT2: 0.058 };

/** field (1.5 or 3) → tissue → values. */
export const RELAXATION_TABLE: Record<'1.5' | '3', Record<Exclude<Tissue, 'other'>, Entry>> = {
  '3': {
    liver: { waterT1: 0.809, waterT2: 0.034, ...FAT_3T, source: 'liver water, subcutaneous fat (dB04, 3 T)' },
    marrow: {
      waterT1: 0.586,
      waterT2: 0.0211,
      ...FAT_3T,
      source: 'marrow water T2 (Ru21, 3 T), marrow T1 (dB04 mixture), subcutaneous fat (dB04, 3 T)',
    },
    muscle: {
      waterT1: 0.898,
      waterT2: 0.029,
      ...FAT_3T,
      source: 'muscle water, subcutaneous fat (dB04, 3 T)',
    },
    adipose: {
      waterT1: 0.898,
      waterT2: 0.029,
      ...FAT_3T,
      source: 'subcutaneous fat; water as muscle water (dB04, 3 T)',
    },
  },
  '1.5': {
    liver: {
      waterT1: 0.586,
      waterT2: 0.046,
      ...FAT_15T,
      source: 'liver water, subcutaneous fat (dB04, 1.5 T)',
    },
    marrow: {
      waterT1: 0.549,
      waterT2: 0.0211,
      ...FAT_15T,
      source:
        'marrow water T2 (Ru21, measured at 3 T), marrow T1 (dB04 mixture, 1.5 T), subcutaneous fat (dB04, 1.5 T)',
    },
    muscle: {
      waterT1: 0.856,
      waterT2: 0.027,
      ...FAT_15T,
      source: 'muscle water, subcutaneous fat (dB04, 1.5 T)',
    },
    adipose: {
      waterT1: 0.856,
      waterT2: 0.027,
      ...FAT_15T,
      source: 'subcutaneous fat; water as muscle water (dB04, 1.5 T)',
    },
  },
};

export const SOURCES_TEXT =
  'dB04 = de Bazelaire et al., Radiology 2004;230:652; Ru21 = Ruschke et al., NMR Biomed 2021;34:e4439';

/** What the user chose: a tissue and any values of their own (seconds). */
export interface RelaxationChoice {
  tissue?: Tissue;
  waterT2?: number;
  fatT2?: number;
  waterT1?: number;
  fatT1?: number;
}

export function parseTissue(v: string): Tissue {
  const t = v.toLowerCase();
  if (!(TISSUES as readonly string[]).includes(t)) {
    throw new InputError(`'${v}' is not a tissue with relaxation values`, {
      field: '--tissue',
      expected: TISSUES.join(', '),
    });
  }
  return t as Tissue;
}

/**
 * The relaxation applied to a single-TE spectrum, with one sentence saying exactly what was applied. The field
 * picks the 1.5 T or the 3 T column (the nearer one; other fields use the nearer column and say so). The T1
 * factor needs a TR: without one only T2 is corrected, and the sentence says that. Without a TE nothing is
 * corrected (undefined).
 */
export function relaxationFor(
  choice: RelaxationChoice,
  field: { spectrometerFrequency: number; nucleus?: string },
  echoTime: number | undefined,
  repetitionTime: number | undefined,
): (Relaxation & { applied: string }) | undefined {
  if (echoTime === undefined) return undefined;
  const tissue = choice.tissue ?? 'liver';
  const tesla = field.spectrometerFrequency / 42.577;
  const column: '1.5' | '3' = tesla < 2.25 ? '1.5' : '3';
  const table = tissue === 'other' ? undefined : RELAXATION_TABLE[column][tissue];
  const pick = (k: 'waterT2' | 'fatT2' | 'waterT1' | 'fatT1') => choice[k] ?? table?.[k];
  const v = {
    waterT2: pick('waterT2'),
    fatT2: pick('fatT2'),
    waterT1: repetitionTime !== undefined ? pick('waterT1') : undefined,
    fatT1: repetitionTime !== undefined ? pick('fatT1') : undefined,
  };
  const ms = (s?: number) => (s === undefined ? '–' : `${Math.round(s * 1e4) / 10}`);
  const own = (['waterT2', 'fatT2', 'waterT1', 'fatT1'] as const).filter((k) => choice[k] !== undefined);
  const parts: string[] = [];
  if (v.waterT2 !== undefined || v.fatT2 !== undefined) {
    parts.push(`T2 water/fat ${ms(v.waterT2)}/${ms(v.fatT2)} ms`);
  }
  if (repetitionTime !== undefined && (v.waterT1 !== undefined || v.fatT1 !== undefined)) {
    parts.push(`T1 water/fat ${ms(v.waterT1)}/${ms(v.fatT1)} ms with TR ${ms(repetitionTime)} ms`);
  } else if (repetitionTime === undefined) {
    parts.push('no T1 factor (TR unknown: give --tr)');
  }
  const fieldNote =
    Math.abs(tesla - Number(column)) > 0.3 ? ` (the ${column} T values used at ${tesla.toFixed(1)} T)` : '';
  const from =
    tissue === 'other' && own.length === 0
      ? 'tissue other: no literature values, PDFF = signal fat fraction'
      : `${tissue}${table ? `, ${table.source}` : ''}${fieldNote}${own.length ? `; given: ${own.join(', ')}` : ''}`;
  return {
    echoTime,
    repetitionTime,
    ...v,
    source: `${parts.join(', ')} — ${from}`,
    applied: `${parts.join(', ')} — ${from}`,
  };
}

/** The T1s for a multi-echo series (its T2s are fitted): tissue table or the user's, with their source. */
export function seriesT1(
  choice: RelaxationChoice,
  field: { spectrometerFrequency: number },
): { waterT1?: number; fatT1?: number; source: string } {
  const tissue = choice.tissue ?? 'liver';
  const column: '1.5' | '3' = field.spectrometerFrequency / 42.577 < 2.25 ? '1.5' : '3';
  const table = tissue === 'other' ? undefined : RELAXATION_TABLE[column][tissue];
  const waterT1 = choice.waterT1 ?? table?.waterT1;
  const fatT1 = choice.fatT1 ?? table?.fatT1;
  const ms = (s?: number) => (s === undefined ? '–' : `${Math.round(s * 1e4) / 10}`);
  const given = (['waterT1', 'fatT1'] as const).filter((k) => choice[k] !== undefined);
  return {
    waterT1,
    fatT1,
    source: `T1 water/fat ${ms(waterT1)}/${ms(fatT1)} ms — ${tissue}${table ? `, ${table.source}` : ''}${given.length ? `; given: ${given.join(', ')}` : ''}`,
  };
}
