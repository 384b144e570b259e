import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { checkCohortComponents, formatCohort, parseCohort } from '../../src/simulate/cohort-schema.js';
import { defaultBasisForCohort } from '../../src/simulate/cohort-basis.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { COHORTS } from './helpers.js';
import { defaultLiverBasis, LIVER_COMPONENTS } from '../../src/physics/index.js';

const NAMES = [...LIVER_COMPONENTS];

const amplitudes = NAMES.map((n) => `      ${n}: { dist: lognormal, mean: 1, sd: 0.3 }`).join('\n');
const GOOD = `name: t
protocol:
  spectrometerFrequency: 127.76
  spectralWidth: 2000
  points: 1024
groups:
  LC:
    amplitudes:
${amplitudes}
    nuisance:
      lorentzianWidth:
        all: { dist: truncnormal, mean: 15, sd: 4, min: 5 }
      snr: { dist: lognormal, mean: 100, sd: 30 }
  HCC:
    extends: LC
    amplitudes:
      PCh: { dist: lognormal, mean: 2, sd: 0.5 }
`;

function error(text: string): InputError {
  try {
    const c = parseCohort(text, 'bad.yaml');
    checkCohortComponents(c, NAMES, 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('no error raised');
}

describe('cohort files', () => {
  it('parse, with defaults filled in and `extends` resolved', () => {
    const c = parseCohort(GOOD, 'good.yaml');
    checkCohortComponents(c, NAMES);
    expect(c.groups.HCC.amplitudes.PCh).toEqual(expect.objectContaining({ dist: 'lognormal' }));
    expect(c.groups.HCC.amplitudes.Cho).toEqual(c.groups.LC.amplitudes.Cho);
    expect(c.groups.LC.nuisance.phase1).toEqual({ dist: 'fixed', value: 0 });
    expect(c.protocol.ppmReference).toBe(4.65);
    // lognormal given by mean/sd is stored as mu/sigma: mean 1, sd 0.3 -> sigma² = ln(1.09)
    const cho = c.groups.LC.amplitudes.Cho as { mu: number; sigma: number };
    expect(cho.sigma).toBeCloseTo(Math.sqrt(Math.log(1.09)), 12);
    // and a formatted cohort reads back identically
    expect(parseCohort(formatCohort(c, 'header'))).toEqual(c);
  });

  it('rejects a value of the wrong type, naming the field and line', () => {
    const e = error(GOOD.replace('spectralWidth: 2000', 'spectralWidth: wide'));
    expect(e.message).toMatch(/bad\.yaml: protocol\.spectralWidth \(line 4\): expected number, got "wide"/);
  });

  it('rejects a width distribution that can go negative', () => {
    const e = error(
      GOOD.replace(
        'all: { dist: truncnormal, mean: 15, sd: 4, min: 5 }',
        'all: { dist: normal, mean: 15, sd: 4 }',
      ),
    );
    expect(e.field).toMatch(/^groups\.LC\.nuisance\.lorentzianWidth\.all \(line 3\d\)$/);
    expect(e.message).toMatch(/negative/);
    const fixed = error(GOOD.replace('all: { dist: truncnormal, mean: 15, sd: 4, min: 5 }', 'all: -3'));
    expect(fixed.message).toMatch(/lorentzianWidth\.all.*negative/);
  });

  it('rejects an unknown component, in amplitudes and in widths', () => {
    const e = error(GOOD.replace('      PCh: { dist: lognormal, mean: 2, sd: 0.5 }', '      NAA: 3'));
    expect(e.message).toMatch(
      /groups\.HCC\.amplitudes\.NAA: unknown component 'NAA' \(expected one of the basis components: Ala, /,
    );
    const w = error(GOOD.replace('        all:', '        Foo: 3\n        all:'));
    expect(w.message).toMatch(/lorentzianWidth\.Foo: unknown component 'Foo'/);
  });

  it('rejects malformed YAML with its line', () => {
    const e = error(GOOD.replace('  points: 1024', '  points: [1024'));
    expect(e.message).toMatch(/bad\.yaml: line \d+: malformed YAML/);
    const dup = error(GOOD.replace('  points: 1024', '  points: 1024\n  points: 2048'));
    expect(dup.message).toMatch(/line 6: malformed YAML.*(unique|duplicate)/i);
  });

  it('rejects unknown fields, unknown distributions and invalid correlation matrices', () => {
    expect(error(GOOD.replace('name: t', 'name: t\ncolour: red')).message).toMatch(
      /unknown field\(s\) 'colour'/,
    );
    expect(
      error(GOOD.replace('{ dist: lognormal, mean: 2, sd: 0.5 }', '{ dist: gamma, k: 2 }')).message,
    ).toMatch(/groups\.HCC\.amplitudes\.PCh\.dist.*unknown distribution 'gamma'/);
    expect(
      error(GOOD.replace('{ dist: lognormal, mean: 2, sd: 0.5 }', '{ dist: lognormal, mean: 2, sigma: 0.5 }'))
        .message,
    ).toMatch(/PCh/);
    const corr = (m: string) =>
      GOOD.replace(
        '    nuisance:',
        `    correlation:\n      components: [Cho, PCh]\n      matrix: ${m}\n    nuisance:`,
      );
    expect(parseCohort(corr('[[1, 0.5], [0.5, 1]]')).groups.LC.correlation?.components).toEqual([
      'Cho',
      'PCh',
    ]);
    expect(error(corr('[[1, 1.5], [1.5, 1]]')).message).toMatch(/correlation\.matrix/);
    expect(error(corr('[[1, 0.5], [0.4, 1]]')).message).toMatch(/symmetric/);
    expect(error(corr('[[1, 0.5, 0], [0.5, 1, 0]]')).message).toMatch(/2×2/);
  });

  it('refuses a basis made for another protocol, naming the protocol field', () => {
    const c = parseCohort(
      GOOD.replace('spectrometerFrequency: 127.76', 'spectrometerFrequency: 123.2'),
      'siemens.yaml',
    );
    expect(() => new SpectrumGenerator(c, defaultLiverBasis(), { file: 'siemens.yaml' })).toThrow(
      /siemens\.yaml: protocol\.spectrometerFrequency: the basis is for 127\.76 MHz/,
    );
    const sw = parseCohort(GOOD.replace('spectralWidth: 2000', 'spectralWidth: 4000'), 'sw.yaml');
    expect(() => new SpectrumGenerator(sw, defaultLiverBasis(), { file: 'sw.yaml' })).toThrow(
      /protocol\.spectralWidth/,
    );
    // the built-in basis follows the cohort's protocol instead
    const basis = defaultBasisForCohort(c, 'siemens.yaml');
    expect(basis.spectrometerFrequency).toBe(123.2);
    expect(() => new SpectrumGenerator(c, basis)).not.toThrow();
  });

  it('ships built-in cohorts that are valid and say they are illustrative', () => {
    const files = readdirSync(COHORTS).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['hbv-lc.yaml', 'hbv-lc-hcc.yaml', 'truth-hbv.yaml']));
    for (const f of files) {
      const c = parseCohort(readFileSync(join(COHORTS, f), 'utf8'), f);
      checkCohortComponents(c, NAMES, f);
      expect(c.illustrative, f).toBe(true);
      expect(c.references?.length, f).toBeGreaterThan(0);
    }
  });
});
