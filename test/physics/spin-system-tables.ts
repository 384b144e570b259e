import { readFileSync } from 'node:fs';
import type { Fragment, Nucleus } from '../../src/physics/index.js';
import type { MatValue } from './matlab-v5.js';

/**
 * Other tools' spin-system tables (test/extdata/spin_systems) and a comparison that does not depend on how a
 * table numbers or groups its spins: each system becomes the sorted list of its 1H shifts (one entry per
 * proton), the sorted list of its coupled heteronuclei, and the sorted list of its couplings written as
 * (shift or nucleus of one partner, of the other, J). Couplings between magnetically equivalent spins (same
 * shift, same coupling to every other spin, e.g. within a methyl) are dropped: they have no effect on the
 * spectrum, and some tables list them (VeSPA, TARQUIN) while others write one spin with 3 protons.
 */
export interface SpinTable {
  /** Nucleus and shift of every spin (one per proton for 1H; shift 0 for other nuclei). */
  spins: { nucleus: Nucleus; ppm: number }[];
  /** J (Hz) by pair of spin indices (i < j). */
  couplings: Map<string, number>;
}

export interface Invariants {
  shifts: number[];
  hetero: string[];
  couplings: { a: string; b: string; hz: number }[];
}

const key = (i: number, j: number) => (i < j ? `${i},${j}` : `${j},${i}`);

export function concatTables(tables: SpinTable[]): SpinTable {
  const out: SpinTable = { spins: [], couplings: new Map() };
  for (const t of tables) {
    const off = out.spins.length;
    out.spins.push(...t.spins);
    for (const [k, hz] of t.couplings) {
      const [i, j] = k.split(',').map(Number);
      out.couplings.set(key(i + off, j + off), hz);
    }
  }
  return out;
}

export function invariants(t: SpinTable): Invariants {
  const n = t.spins.length;
  const j = (a: number, b: number) => t.couplings.get(key(a, b)) ?? 0;
  const label = (i: number) => (t.spins[i].nucleus === '1H' ? t.spins[i].ppm.toFixed(4) : t.spins[i].nucleus);
  const equivalent = (a: number, b: number) =>
    label(a) === label(b) &&
    Array.from({ length: n }, (_, k) => k).every((k) => k === a || k === b || j(a, k) === j(b, k));
  const couplings: Invariants['couplings'] = [];
  const coupled = new Set<number>();
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const hz = j(a, b);
      if (hz === 0 || equivalent(a, b)) continue;
      const [x, y] = [label(a), label(b)].sort();
      couplings.push({ a: x, b: y, hz });
      coupled.add(a).add(b);
    }
  }
  couplings.sort((p, q) => p.a.localeCompare(q.a) || p.b.localeCompare(q.b) || p.hz - q.hz);
  return {
    shifts: t.spins
      .filter((s) => s.nucleus === '1H')
      .map((s) => s.ppm)
      .sort((p, q) => p - q),
    // An uncoupled heteronucleus (e.g. VeSPA's 14N of the GPC methyls) has no effect either.
    hetero: t.spins.flatMap((s, i) => (s.nucleus !== '1H' && coupled.has(i) ? [s.nucleus] : [])).sort(),
    couplings,
  };
}

/** Differences between two systems, as readable lines; [] when they agree within the tolerances. */
export function compareInvariants(
  ours: Invariants,
  theirs: Invariants,
  ppmTol: number,
  hzTol: number,
): string[] {
  const out: string[] = [];
  if (ours.shifts.length !== theirs.shifts.length) {
    out.push(`1H count ${ours.shifts.length} vs ${theirs.shifts.length}`);
    return out;
  }
  ours.shifts.forEach((s, i) => {
    if (Math.abs(s - theirs.shifts[i]) > ppmTol) out.push(`shift ${s} vs ${theirs.shifts[i]}`);
  });
  if (ours.hetero.join() !== theirs.hetero.join())
    out.push(`heteronuclei ${ours.hetero} vs ${theirs.hetero}`);
  if (out.length) return out;
  const fmt = (c: Invariants['couplings'][number]) => `J(${c.a},${c.b}) ${c.hz}`;
  const left = [...theirs.couplings];
  for (const c of ours.couplings) {
    const k = left.findIndex((d) => d.a === c.a && d.b === c.b && Math.abs(d.hz - c.hz) <= hzTol);
    if (k >= 0) left.splice(k, 1);
    else out.push(`ours only: ${fmt(c)}`);
  }
  for (const d of left) out.push(`theirs only: ${fmt(d)}`);
  return out;
}

/** A livermrs fragment as a table: a spin of n protons becomes n spins; exchangeable spins kept or not. */
export function fragmentTable(f: Fragment, withExchangeable: boolean): SpinTable {
  const spins: SpinTable['spins'] = [];
  const index = new Map<string, number[]>();
  for (const s of f.spins) {
    if (s.exchangeable && !withExchangeable) continue;
    const n = s.nucleus === '1H' ? Math.round(s.protons) : 1;
    index.set(
      s.id,
      Array.from({ length: n }, (_, i) => spins.length + i),
    );
    for (let i = 0; i < n; i++) spins.push({ nucleus: s.nucleus, ppm: s.nucleus === '1H' ? s.ppm : 0 });
  }
  const couplings = new Map<string, number>();
  for (const c of f.couplings) {
    for (const a of index.get(c.a) ?? [])
      for (const b of index.get(c.b) ?? []) couplings.set(key(a, b), c.hz);
  }
  return { spins, couplings };
}

/**
 * VeSPA metabolites.xml (VIFF): per <metabolite>, <spin> elements (isotope, chemical_shift) and the upper
 * triangle of the J matrix row by row as <j_coupling> elements (J12, J13, ..., J1n, J23, ...).
 */
export function readVespa(path: string): Map<string, SpinTable> {
  const xml = readFileSync(path, 'utf8');
  const out = new Map<string, SpinTable>();
  for (const m of xml.matchAll(/<metabolite\b[\s\S]*?<\/metabolite>/g)) {
    const body = m[0];
    const name = /<name>([^<]*)<\/name>/.exec(body)?.[1] as string;
    const spins = [
      ...body.matchAll(/<spin>\s*<isotope>([^<]*)<\/isotope>\s*<chemical_shift>([^<]*)<\/chemical_shift>/g),
    ].map((s) => ({ nucleus: s[1] as Nucleus, ppm: s[1] === '1H' ? Number(s[2]) : 0 }));
    const js = [...body.matchAll(/<j_coupling>([^<]*)<\/j_coupling>/g)].map((s) => Number(s[1]));
    const n = spins.length;
    if (js.length !== (n * (n - 1)) / 2)
      throw new Error(`${path}: ${name}: ${js.length} couplings for ${n} spins`);
    const couplings = new Map<string, number>();
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) couplings.set(key(i, j), js[k++]);
    out.set(name, { spins, couplings });
  }
  return out;
}

/**
 * A TARQUIN basis CSV: after the group table, one or more blocks headed "group,symmetry,spin,chem shift";
 * each row is a spin (symmetry > 1: that many equivalent protons; spin 1 = 14N, spin 1/2 at 0 ppm = 31P)
 * followed by its couplings to the block's earlier rows and a 0 on the diagonal.
 */
export function readTarquin(path: string): SpinTable {
  const t: SpinTable = { spins: [], couplings: new Map() };
  let block: number[][] | undefined;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, '').trim());
    if (cells[0] === 'group') {
      block = cells[1] === 'symmetry' ? [] : undefined;
      continue;
    }
    if (!block || cells[0] === '') continue;
    const [symmetry, spin, ppm] = [Number(cells[1]), Number(cells[2]), Number(cells[3])];
    const nucleus: Nucleus = spin === 1 ? '14N' : ppm === 0 ? '31P' : '1H';
    const n = nucleus === '1H' ? Math.max(1, symmetry) : 1;
    const idx = Array.from({ length: n }, (_, i) => t.spins.length + i);
    for (let i = 0; i < n; i++) t.spins.push({ nucleus, ppm: nucleus === '1H' ? ppm : 0 });
    block.forEach((prev, k) => {
      const hz = Number(cells[4 + k] || 0);
      if (hz !== 0) for (const a of prev) for (const b of idx) t.couplings.set(key(a, b), hz);
    });
    block.push(idx);
  }
  return t;
}

/**
 * One FID-A spin system (simulationTools/metabolites/spinSystems.mat): a struct array, one element per
 * uncoupled part, with `shifts` (ppm, one per proton) and `J` (Hz, upper triangle), read by matlab-v5.ts.
 */
export function fidaParts(value: MatValue | undefined): Map<string, SpinTable> {
  if (value?.kind !== 'struct') throw new Error('FID-A spin system: expected a struct array');
  const out = new Map<string, SpinTable>();
  for (const item of value.items) {
    const shifts = item.shifts;
    const j = item.J;
    const name = item.name;
    if (shifts?.kind !== 'numeric' || j?.kind !== 'numeric' || name?.kind !== 'char') {
      throw new Error('FID-A spin system: expected numeric shifts and J and a char name');
    }
    const n = shifts.data.length;
    const couplings = new Map<string, number>();
    // Column-major n × n: J(i, k) = data[i + k n]; FID-A fills the upper triangle.
    for (let i = 0; i < n; i++) {
      for (let k = i + 1; k < n; k++) {
        const hz = j.data[i + k * n] || j.data[k + i * n];
        if (hz) couplings.set(key(i, k), hz);
      }
    }
    out.set(name.text, { spins: shifts.data.map((ppm) => ({ nucleus: '1H' as Nucleus, ppm })), couplings });
  }
  return out;
}
