import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  BRAIN_METABOLITES,
  DEFAULT_PROTOCOL,
  LIVER_COMPONENTS,
  LIVER_LIPIDS,
  LIVER_METABOLITES,
  SpinSystemLibrary,
  builtinSpinSystems,
  loadSpinSystems,
  parseSpinSystem,
  protonCount,
  simulateLineLists,
} from '../../src/physics/index.js';

const lib = builtinSpinSystems();

describe('built-in spin-system library', () => {
  it('has the exact component names other modules rely on', () => {
    expect(LIVER_METABOLITES).toEqual([
      'Ala',
      'Bet',
      'Cho',
      'Cr',
      'GPC',
      'PCh',
      'Glc',
      'Glyc',
      'Gln',
      'Glu',
      'GSH',
      'Gly',
      'Ins',
      'Lac',
      'Tau',
    ]);
    expect(LIVER_LIPIDS).toEqual(['L09', 'L13', 'L21', 'L28', 'L53']);
    expect(LIVER_COMPONENTS).toEqual([...LIVER_METABOLITES, ...LIVER_LIPIDS]);
    const brain = ['NAA', 'NAAG', 'PE', 'Asp', 'GABA', 'Scyllo', 'PCr', 'CrOnly', 'Asc', 'Glycerol'];
    for (const name of [...LIVER_COMPONENTS, 'Water', ...brain, ...BRAIN_METABOLITES]) {
      expect(lib.has(name), name).toBe(true);
    }
  });

  it('gives every molecule its group, a source on every fragment and the expected proton count', () => {
    const protons: Record<string, number> = {
      Ala: 4,
      Bet: 11,
      Cho: 13,
      Cr: 5,
      GPC: 18,
      PCh: 13,
      Glc: 7,
      Glyc: 7,
      Gln: 5,
      Glu: 5,
      GSH: 10,
      'GSH-Tkac2008': 10,
      Gly: 2,
      Ins: 6,
      Lac: 4,
      Tau: 4,
      Water: 2,
      NAA: 6,
      NAAG: 11,
      PE: 4,
      Asp: 3,
      GABA: 6,
      Scyllo: 6,
      PCr: 5,
      CrOnly: 5,
      Asc: 4,
      Glycerol: 5,
    };
    for (const [name, n] of Object.entries(protons)) {
      const m = lib.get(name);
      expect(protonCount(m), name).toBeCloseTo(n, 9);
      expect(m.group).toBe(name === 'Water' ? 'water' : 'metabolite');
      for (const f of m.fragments) expect(f.source.length, `${name}/${f.label}`).toBeGreaterThan(10);
    }
    for (const name of LIVER_LIPIDS) expect(lib.get(name).group).toBe('lipid');
    // Exchangeable NH protons are in the data but not counted by default.
    expect(protonCount(lib.get('NAA'), true)).toBe(7);
  });

  it('has lipid proton counts that reproduce the in vivo peak-area ratios of Hamilton et al. 2011', () => {
    const h = (name: string) => protonCount(lib.get(name));
    const total = h('L09') + h('L13') + h('L21') + h('L28') + h('L53') + h('L42');
    expect(h('L21') / h('L13')).toBeCloseTo(0.172, 3); // 2.1 vs 1.3 ppm slope
    expect(h('L09') / h('L13')).toBeCloseTo(0.125, 3); // 0.9 vs 1.3 ppm slope
    expect(h('L28') / total).toBeCloseTo(0.006, 3); // 2.75 ppm = 0.6% of fat signal
    expect((h('L53') + h('L42')) / total).toBeCloseTo(0.086, 3); // 8.6% under the water peak
  });

  // Hamilton G, Yokoo T, Bydder M, et al. NMR Biomed 2011;24:784-790 (doi 10.1002/nbm.1622), triglyceride model.
  const lipidPeaks = () => {
    const peaks = new Map<number, number>();
    for (const name of ['L09', 'L13', 'L21', 'L28', 'L42', 'L53']) {
      for (const f of lib.get(name).fragments) {
        for (const sp of f.spins) peaks.set(sp.ppm, (peaks.get(sp.ppm) ?? 0) + f.scale * sp.protons);
      }
    }
    return peaks;
  };

  it("gives each lipid peak the protons of Hamilton's triglyceride model (CL 17.45, ndb 1.92, nmidb 0.32)", () => {
    const [cl, ndb, nmidb] = [17.45, 1.92, 0.32];
    const model: [number, number][] = [
      [0.9, 9], // CH3
      [1.3, 6 * (cl - 4) - 8 * ndb + 2 * nmidb], // (CH2)n
      [1.6, 6], // beta-carboxyl
      [2.02, 4 * (ndb - nmidb)], // alpha-olefinic
      [2.24, 6], // alpha-carboxyl
      [2.75, 2 * nmidb], // diallylic
      [4.2, 4], // glycerol CH2
      [5.19, 1], // glycerol CH
      [5.29, 2 * ndb], // olefinic
    ];
    const peaks = lipidPeaks();
    expect([...peaks.keys()].sort((a, b) => a - b)).toEqual(model.map(([ppm]) => ppm));
    for (const [ppm, n] of model) expect(peaks.get(ppm), `${ppm} ppm`).toBeCloseTo(n, 9);
    // Total protons per triglyceride: 6 CL - 2 ndb + 2.
    let total = 0;
    for (const n of peaks.values()) total += n;
    expect(total).toBeCloseTo(6 * cl - 2 * ndb + 2, 9);
  });

  it("matches the nine relative peak areas of Hamilton's in vivo liver fat spectrum to the table's last digit", () => {
    // Table values (fraction of the fat signal) as used by fat-water imaging codes citing the paper.
    const table: [number, number][] = [
      [0.9, 0.088],
      [1.3, 0.642],
      [1.6, 0.058],
      [2.02, 0.062],
      [2.24, 0.058],
      [2.75, 0.006],
      [4.2, 0.039],
      [5.19, 0.01],
      [5.29, 0.037],
    ];
    const peaks = lipidPeaks();
    let total = 0;
    for (const n of peaks.values()) total += n;
    for (const [ppm, area] of table) {
      expect(Math.abs((peaks.get(ppm) ?? 0) / total - area), `${ppm} ppm`).toBeLessThanOrEqual(0.001);
    }
  });

  it('treats magnetically equivalent spins written one by one exactly like a declared group', () => {
    const spelled = `
name: Lac
fullName: lactate, methyl spelled out
group: metabolite
source: test
fragments:
  - label: lactate
    spins:
      - { id: H2, ppm: 4.0974 }
      - { id: M1, ppm: 1.3142 }
      - { id: M2, ppm: 1.3142 }
      - { id: M3, ppm: 1.3142 }
    couplings:
      - [H2, M1, 6.933]
      - [H2, M2, 6.933]
      - [H2, M3, 6.933]
`;
    const custom = lib.extend([{ file: 'Lac.yaml', text: spelled }]);
    const a = simulateLineLists(DEFAULT_PROTOCOL, ['Lac'], { library: custom }).Lac;
    const b = simulateLineLists(DEFAULT_PROTOCOL, ['Lac']).Lac;
    expect(a.hz.length).toBe(b.hz.length);
    for (let k = 0; k < a.hz.length; k++) {
      expect(a.hz[k]).toBeCloseTo(b.hz[k], 9);
      expect(a.re[k]).toBeCloseTo(b.re[k], 12);
      expect(a.im[k]).toBeCloseTo(b.im[k], 12);
    }
  });
});

describe('spin-system file errors name the file and the field', () => {
  const base = (fragment: string) =>
    `name: Foo\nfullName: foo\ngroup: metabolite\nsource: test\nfragments:\n${fragment}`;
  const cases: [string, string, RegExp][] = [
    ['not YAML', 'name: [unclosed', /bad\.yaml: not valid YAML/],
    ['missing ppm', base('  - label: a\n    spins:\n      - { id: H }\n'), /fragments\[0\]\.spins\[0\]\.ppm/],
    [
      'unknown coupling partner',
      base('  - label: a\n    spins:\n      - { id: H, ppm: 1 }\n    couplings:\n      - [H, X, 7]\n'),
      /fragments\[0\]\.couplings\[0\]: unknown spin 'X'/,
    ],
    [
      'fractional protons on a coupled spin',
      base(
        '  - label: a\n    spins:\n      - { id: H, ppm: 1, protons: 1.5 }\n      - { id: K, ppm: 2 }\n    couplings:\n      - [H, K, 7]\n',
      ),
      /fragments\[0\]\.spins\[0\]\.protons: fractional proton count/,
    ],
    [
      'wrong type',
      base('  - label: a\n    spins:\n      - { id: H, ppm: "x" }\n'),
      /fragments\[0\]\.spins\[0\]\.ppm/,
    ],
    ['unknown key', base('  - label: a\n    spinz: []\n'), /bad\.yaml: fragments\[0\]/],
    ['bad group', 'name: Foo\nfullName: foo\ngroup: mineral\nsource: s\nfragments: []\n', /bad\.yaml: group/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        parseSpinSystem(text, 'bad.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('reports an include of an unknown molecule', () => {
    const text = 'name: Foo\nfullName: foo\ngroup: metabolite\nsource: s\nfragments:\n  - include: Nope\n';
    expect(() => SpinSystemLibrary.fromTexts([{ file: 'foo.yaml', text }]).get('Foo')).toThrow(
      /foo\.yaml: fragments\.include: unknown molecule 'Nope'/,
    );
  });

  it('reports a file whose name does not match the molecule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-spins-'));
    writeFileSync(
      join(dir, 'Bar.yaml'),
      'name: Foo\nfullName: f\ngroup: metabolite\nsource: s\nfragments: []\n',
    );
    expect(() => loadSpinSystems(dir)).toThrow(/Bar\.yaml: name: molecule 'Foo' is in a file named 'Bar'/);
  });
});
