import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseFile, analyseSeries } from '../../src/analysis/analyse-file.js';
import { classifyFiles, quantifyFiles } from '../../src/analysis/networks.js';
import { analysisFiles } from '../../src/analysis/outputs.js';
import { readResultsJson, resultsJsonText } from '../../src/analysis/results-schema.js';
import { InputError } from '../../src/core/errors.js';
import { diagnosticMessages } from '../../src/fit/diagnostics.js';
import { CHALLENGE, EXTDATA } from '../paths.js';

/**
 * results.json of every kind, from real runs on test/extdata files: the text the writers write passes its schema,
 * reads back as the same object with the right kind and the file's known answers, and a damaged file is refused
 * with an error that names the file and the field.
 */
const dir = mkdtempSync(join(tmpdir(), 'livermrs-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` as results.json under a name of its own; returns the path. */
function save(name: string, text: string): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, text);
  return path;
}

const sdatWs = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_WS.SDAT');
const sdatW = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_W.SDAT');
const crDir = `${CHALLENGE}/Cr_water_scaling_LCModel`;

describe('results.json schemas: round trip of real runs', () => {
  const texts: Record<string, string> = {};

  it('metabolite fit (challenge Cr set with its water reference): 10.78 mM Cr+PCr read back', async () => {
    const r = await analyseFile(`${crDir}/Cr_10mM_test_water_scaling.RAW`, {
      preset: 'ismrm2016',
      basis: `${CHALLENGE}/basisset_LCModel/press3T_30ms.BASIS`,
      sw: 4000,
      frequency: 123.2,
      reference: 'Cr+PCr',
      water: `${crDir}/Cr_10mM_test_water_scaling.H2O`,
    });
    texts.metabolites = analysisFiles(r)['results.json'];
    const back = readResultsJson(save('metabolites', texts.metabolites));
    expect(back).toEqual({ kind: 'metabolites', results: JSON.parse(texts.metabolites) });
    if (back.kind !== 'metabolites') return;
    const q = back.results.quantification;
    const tcr = q.rows.find((c) => c.name === 'Cr+PCr')?.concentration as number;
    // 10 mM × 29697/27432 (FSL-MRS on these files: 10.78 mM).
    expect(Math.abs(tcr - 10.78) / 10.78).toBeLessThan(0.015);
  });

  it("metabolite fit of a liver scan with a water reference: the reference's own warning written as its sentence", async () => {
    const r = await analyseFile(sdatWs, { preset: 'liver', water: sdatW });
    const text = analysisFiles(r)['results.json'];
    const back = readResultsJson(save('metabolites-liver', text));
    expect(back.kind).toBe('metabolites');
    if (back.kind !== 'metabolites') return;
    // This Philips pair's water line is not a Voigt line: the one-line fit misses signal and |FID(0)| differs from
    // the fitted area (quantify-sdat of the output snapshot says the same: 546.8×, −44%).
    expect(back.results.quantification.water?.warnings).toEqual([
      expect.stringMatching(/^the residual is \d+\.\d× the noise: the model misses signal/),
      'water reference: fitted area differs from |FID(0)| by -44% (non-Voigt lineshape or other signals?)',
    ]);
    expect(back.results.warnings).toContain(back.results.quantification.water?.warnings[1]);
  });

  it('water–fat fit of one spectrum (Philips water reference)', async () => {
    const r = await analyseFile(sdatW, { preset: 'liver' });
    expect(r.kind).toBe('water-fat');
    if (r.kind !== 'water-fat') return;
    texts['water-fat'] = analysisFiles(r)['results.json'];
    const back = readResultsJson(save('water-fat', texts['water-fat']));
    expect(back).toEqual({ kind: 'water-fat', results: JSON.parse(texts['water-fat']) });
    if (back.kind !== 'water-fat') return;
    expect(back.results.pdff?.value).toBe(r.result.pdff?.value);
    expect(back.results.warnings).toEqual(diagnosticMessages(r.result.fit?.warnings ?? []));
  });

  it('water–fat series (TE 30 and 135 ms, two Philips files)', async () => {
    const r = await analyseSeries(
      [
        join(EXTDATA, 'philips', 'tarquin_svs_30_ref.SDAT'),
        join(EXTDATA, 'philips', 'tarquin_svs_135_ref.SDAT'),
      ],
      { preset: 'liver', waterSuppression: 'off' },
    );
    expect(r.kind).toBe('water-fat-series');
    texts.series = analysisFiles(r)['results.json'];
    const back = readResultsJson(save('series', texts.series));
    expect(back.kind).toBe('water-fat-series');
    if (back.kind !== 'water-fat-series') return;
    expect(back.results.echoTimes).toEqual([0.03, 0.135]);
    expect(back.results.echoes).toHaveLength(2);
    expect(back).toEqual({ kind: 'water-fat-series', results: JSON.parse(texts.series) });
  });

  it('quantify and classify with the shipped models (forced, so with numbers)', async () => {
    const q = (await quantifyFiles([sdatWs], { water: sdatW, force: true })).results[0];
    const qText = resultsJsonText('quantify', q);
    const qBack = readResultsJson(save('quantify', qText));
    expect(qBack).toEqual({ kind: 'quantify', results: JSON.parse(qText) });
    if (qBack.kind !== 'quantify') return;
    expect(qBack.results.components).toHaveLength(20);
    expect(qBack.results.status).toBe('doubtful');

    const c = (await classifyFiles([sdatWs], { force: true })).results[0];
    const cText = resultsJsonText('classify', c);
    const cBack = readResultsJson(save('classify', cText));
    expect(cBack).toEqual({ kind: 'classify', results: JSON.parse(cText) });
    if (cBack.kind !== 'classify') return;
    expect(cBack.results.probability).toBe(c.probability);
    texts.quantify = qText;
  });

  /** Marks a field to delete in `damaged`. */
  const REMOVE = Symbol('remove');

  /** The InputError of reading `text` with the field at `path` set to `value` (or removed). */
  const damaged = (name: string, text: string, path: (string | number)[], value: unknown): InputError => {
    const o = JSON.parse(text);
    let node = o;
    for (const key of path.slice(0, -1)) node = node[key];
    const last = path[path.length - 1];
    if (value === REMOVE) delete node[last];
    else node[last] = value;
    const file = save(`damaged-${name}`, JSON.stringify(o, null, 2));
    try {
      readResultsJson(file);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      const e = err as InputError;
      expect(e.file).toBe(file);
      expect(e.message.startsWith(`${file}: `)).toBe(true);
      return e;
    }
    throw new Error(`${name}: the damaged file was read`);
  };

  it('a damaged file is refused, naming the file and the field', () => {
    const crlb = damaged('crlb', texts.metabolites, ['quantification', 'rows', 3, 'crlb'], 'large');
    expect(crlb.field).toBe('quantification.rows[3].crlb');
    expect(crlb.message).toMatch(/expected number/);

    const missing = damaged('status', texts['water-fat'], ['statusReasons'], REMOVE);
    expect(missing.field).toBe('statusReasons');

    const echo = damaged('echo', texts.series, ['echoes', 1, 'status', 'status'], 'fine');
    expect(echo.field).toBe('echoes[1].status.status');

    const extra = damaged('extra', texts.quantify, ['components', 0, 'mmol'], 1);
    expect(extra.field).toBe('components[0]');
    expect(extra.message).toMatch(/unknown field\(s\) 'mmol'/);

    const kind = damaged('kind', texts.metabolites, ['kind'], 'spectrum');
    expect(kind.field).toBe('kind');
  });

  it('a file that is not JSON, or missing, names the file', () => {
    const path = save('truncated', texts.metabolites.slice(0, 200));
    expect(() => readResultsJson(path)).toThrow(new RegExp(`^${path}: not valid JSON`));
    expect(() => readResultsJson(join(dir, 'absent.json'))).toThrow(/absent\.json: cannot read the file/);
  });

  it('a writer that drifts from the schema fails before writing, naming the field', () => {
    const o = JSON.parse(texts.quantify);
    o.fatFraction = { percent: 5 };
    expect(() => resultsJsonText('quantify', o)).toThrow(/quantify.*fatFraction\.sd/);
  });
});
