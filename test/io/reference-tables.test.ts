import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLcmCoord } from '../../src/io/lcmodel/coord.js';
import { EXTDATA, REFERENCE } from '../paths.js';

/**
 * The other tools' results on the ISMRM 2016 challenge (test/reference/ismrm2016) come as LCModel's own .table
 * files and as tidy CSVs made from them. These tests read the LCModel tables as LCModel prints them and check
 * that every number of the tidy and summary CSVs (which test/fit/challenge.test.ts compares livermrs with) is
 * the number the tool printed: a transcription error would otherwise move a comparison's reference.
 */
const DIR = join(REFERENCE, 'ismrm2016');

interface TableRow {
  conc: number;
  sd: number;
  ratio: number;
}

/** The $$CONC block of an LCModel .table (LTABLE=7): "Conc.  %SD /Ref  Metabolite" rows after its header. */
function readConcTable(path: string): { reference: string; rows: Map<string, TableRow> } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('$$CONC'));
  if (at < 0) throw new Error(`${path}: no $$CONC block`);
  const count = Number(/\$\$CONC\s+(\d+) lines/.exec(lines[at])?.[1]);
  const reference = /%SD\s+\/(\S+)/.exec(lines[at + 1])?.[1] ?? '';
  const rows = new Map<string, TableRow>();
  // NCONC+1 lines: the column header and NCONC rows.
  for (const line of lines.slice(at + 2, at + 1 + count)) {
    const m = /^\s*(\S+)\s+(\d+)%\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) throw new Error(`${path}: not a concentration row: ${JSON.stringify(line)}`);
    rows.set(m[4], { conc: Number(m[1]), sd: Number(m[2]), ratio: Number(m[3]) });
  }
  return { reference, rows };
}

function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const keys = head.split(',').map((k) => k.replace(/^"|"$/g, ''));
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v.replace(/^"|"$/g, '')])));
}

const tables = new Map<number, ReturnType<typeof readConcTable>>();
for (const f of readdirSync(join(DIR, 'lcmodel_tables'))) {
  const n = /^ds(\d+)\.table$/.exec(f)?.[1];
  if (n) tables.set(Number(n), readConcTable(join(DIR, 'lcmodel_tables', f)));
}

describe('LCModel 6.3-1N tables of the ISMRM 2016 challenge', () => {
  it('hold 28 datasets of 39 rows each, with the values LCModel printed for dataset 1', () => {
    expect([...tables.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    for (const [n, t] of tables) expect(t.rows.size, `ds${n}`).toBe(39);
    const ds1 = tables.get(1);
    expect(ds1?.reference).toBe('Cr+PCr');
    // As printed in ds1.table.
    expect(ds1?.rows.get('Cr+PCr')).toEqual({ conc: 5.449, sd: 3, ratio: 1 });
    expect(ds1?.rows.get('NAA+NAAG')).toEqual({ conc: 8.662, sd: 2, ratio: 1.59 });
    expect(ds1?.rows.get('Lip13b')).toEqual({ conc: 0.0246, sd: 420, ratio: 0.0045 });
    // Dataset 25 has no creatine: LCModel falls back to /Cr and prints ratios of zero.
    expect(tables.get(25)?.reference).toBe('Cr');
  });

  it('print ratios that are the concentrations over Cr+PCr, to the printed precision', () => {
    for (const [n, t] of tables) {
      const ref = t.rows.get(t.reference)?.conc as number;
      if (!(ref > 0)) continue;
      for (const [name, r] of t.rows) {
        const want = r.conc / ref;
        // The ratio is printed with 3 decimals (2 significant digits in E format below 0.1) from unrounded
        // concentrations; both concentrations are printed to 3 decimals (3 significant digits in E format).
        const printed = want < 0.1 ? 0.05 * want : 5e-4;
        const fromConc = (Math.max(5e-4, 5e-3 * r.conc) + want * 5e-4) / ref;
        const tol = printed + fromConc + 1e-9;
        expect(Math.abs(r.ratio - want), `ds${n} ${name}`).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('are transcribed exactly into the tidy CSV (concentration, %SD, ratio)', () => {
    const tidy = readCsv(join(DIR, 'tidy', 'lcmodel_6.3-1N_ismrm2016.csv'));
    expect(tidy).toHaveLength(28 * 39);
    for (const row of tidy) {
      const r = tables.get(Number(row.dataset))?.rows.get(row.metabolite);
      expect(r, `${row.dataset} ${row.metabolite}`).toBeDefined();
      expect(Number(row.concentration_lcmodel_water_scaled)).toBe(r?.conc);
      expect(Number(row.pct_SD)).toBe(r?.sd);
      expect(Number(row.ratio_to_tCr)).toBeCloseTo(r?.ratio as number, 6);
    }
  });

  it('give the LCModel columns of the ratio summary that the fit comparison reads', () => {
    const summary = readCsv(join(DIR, 'ratios_to_tCr_fslmrs_lcmodel_spant.csv'));
    expect(summary).toHaveLength(28);
    const pairs: [string, string][] = [
      ['NAA+NAAG_lcm', 'NAA+NAAG'],
      ['Glu_lcm', 'Glu'],
      ['Ins_lcm', 'Ins'],
      ['Gln_lcm', 'Gln'],
      ['Lac_lcm', 'Lac'],
    ];
    for (const row of summary.filter((r) => Number(r.dataset) <= 24)) {
      const t = tables.get(Number(row.dataset));
      for (const [col, name] of pairs) {
        expect(Number(row[col]), `ds${row.dataset} ${col}`).toBeCloseTo(
          t?.rows.get(name)?.ratio as number,
          6,
        );
      }
      // LCModel prints no GPC+PCho row: the summary's value is (GPC + PCho) / Cr+PCr to 3 decimals, from
      // the printed concentrations (each ±5e-4, over Cr+PCr ≈ 5: ±3e-4 more).
      const conc = (m: string) => t?.rows.get(m)?.conc as number;
      const cho = (conc('GPC') + conc('PCho')) / conc('Cr+PCr');
      expect(Math.abs(Number(row['GPC+PCh_lcm']) - cho), `ds${row.dataset} GPC+PCh`).toBeLessThan(8e-4);
    }
  });
});

describe('FSL-MRS and spant tables of the ISMRM 2016 challenge', () => {
  it('FSL-MRS: the tidy CSV repeats the raw export, and Cr+PCr is the sum of Cr and PCr', () => {
    const tidy = readCsv(join(DIR, 'tidy', 'fslmrs_2.4.11_ismrm2016.csv'));
    const raw = readCsv(join(DIR, 'ismrm2016_fslmrs_newton_voigt_poly2.csv'));
    expect(tidy).toHaveLength(28 * 23);
    expect(raw).toHaveLength(tidy.length);
    tidy.forEach((t, i) => {
      const r = raw[i];
      expect([t.dataset, t.metabolite]).toEqual([r.dataset, r.metab]);
      // A failed quantification (datasets 25 and 28) is empty in one file and 'nan' in the other.
      const mm = (v: string) => (v === '' || v === 'nan' ? Number.NaN : Number(v));
      expect(mm(t.concentration_mM_fslmrs_water_scaled)).toBe(mm(r.mM_fslmrs_default_relax));
      expect(Number.isNaN(mm(t.concentration_mM_fslmrs_water_scaled))).toBe(
        t.quantification_failed === 'True',
      );
      expect(Number(t.pct_CRLB)).toBe(Number(r.pct_CRLB));
    });
    for (let n = 1; n <= 23; n++) {
      const mm = (m: string) =>
        Number(
          tidy.find((r) => Number(r.dataset) === n && r.metabolite === m)
            ?.concentration_mM_fslmrs_water_scaled,
        );
      expect(mm('Cr+PCr'), `ds${n}`).toBeCloseTo(mm('Cr') + mm('PCr'), 6);
    }
  });

  it('spant: the tidy amplitudes repeat the ABfit export, tNAA = NAA + NAAG, ratios are amplitude / tCr', () => {
    const tidy = readCsv(join(DIR, 'tidy', 'spant_4.3.0_ismrm2016_all_metabolites.csv'));
    const raw = readCsv(join(DIR, 'ismrm2016_spant_abfit.csv'));
    expect(raw).toHaveLength(28);
    for (const r of raw) {
      const n = Number(r.dataset);
      const amp = (m: string) =>
        Number(tidy.find((t) => Number(t.dataset) === n && t.metabolite === m)?.amplitude_spant_unscaled);
      for (const m of ['Cr', 'PCr', 'NAA', 'NAAG', 'Glu', 'Ins', 'tCr', 'tNAA'])
        expect(amp(m), `ds${n} ${m}`).toBeCloseTo(Number(r[m]), 6);
      expect(Number(r.tNAA)).toBeCloseTo(Number(r.NAA) + Number(r.NAAG), 6);
      const ratio = Number(tidy.find((t) => Number(t.dataset) === n && t.metabolite === 'Glu')?.ratio_to_tCr);
      if (Number(r.tCr) > 0) expect(ratio).toBeCloseTo(Number(r.Glu) / Number(r.tCr), 6);
    }
  });
});

describe("livermrs' LCModel reader against LCModel's own table", () => {
  it('readLcmCoord gives, row by row, the concentration table LCModel printed in the .TABLE of the same fit', () => {
    // test/extdata/lcmodel/suspect_svs_97: one LCModel 6.3-1B brain fit written as .TABLE and .COORD.
    const table = readConcTable(join(EXTDATA, 'lcmodel', 'suspect_svs_97.TABLE'));
    const file = join(EXTDATA, 'lcmodel', 'suspect_svs_97.COORD');
    const coord = readLcmCoord(readFileSync(file, 'utf8'), file);
    expect(table.rows.size).toBe(37);
    expect(coord.ratioReference).toBe(table.reference);
    expect(coord.table.map((r) => r.name)).toEqual([...table.rows.keys()]);
    for (const r of coord.table) {
      expect({ conc: r.concentration, sd: r.sdPercent, ratio: r.ratio }, r.name).toEqual(
        table.rows.get(r.name),
      );
    }
    // As printed: 2HG 2.88E-02 at 88%, ratio 0.115.
    expect(coord.table[0]).toEqual({ name: '2HG', concentration: 0.0288, sdPercent: 88, ratio: 0.115 });
  });
});
