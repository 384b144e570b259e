import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFiles, quantifyFile, quantifyFiles } from '../../src/analysis/networks.js';
import { CHALLENGE, EXTDATA } from '../paths.js';

/**
 * quantifyFile and classifyFile, the `quantify` and `classify` pipelines as library calls, with the shipped
 * models: real scans outside what the models were trained for are refused (failed, no numbers, the guard's
 * reasons), from a path or from bytes alike.
 */
const sdat = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_WS.SDAT');
const spar = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_WS.SPAR');
const raw = `${CHALLENGE}/datasets_LCModel/dataset1.RAW`;
const header = { sw: 4000, frequency: 123.2, te: 30 };

describe('quantifyFile / classifyFile with the shipped models', () => {
  it('a brain spectrum (challenge dataset1) and a Philips brain scan are refused with the guard reasons', async () => {
    const { results } = await quantifyFiles([sdat, raw], header);
    for (const r of results) {
      expect(r.status, r.file).toBe('failed');
      expect(r.statusReasons.join('; ')).toMatch(/SNR \d+ is outside the training range/);
    }
    const c = await classifyFiles([raw], header);
    expect(c.results[0]).toMatchObject({ status: 'failed', probability: null, predicted: null });
    expect(c.negativeClass).not.toBe(c.results[0].positiveClass);
  });

  it('bytes (with the SDAT companion) give the answer of the path; --force gives numbers, as doubtful', async () => {
    const bytes = {
      bytes: new Uint8Array(readFileSync(sdat)),
      name: sdat,
      companions: { 'spant_philips_spar_sdat_WS.SPAR': new Uint8Array(readFileSync(spar)) },
    };
    const a = await quantifyFile(sdat, { force: true });
    const b = await quantifyFile(bytes, { force: true });
    expect(b).toEqual(a);
    expect(a.status).toBe('doubtful');
    expect(a.components.length).toBe(20);
    expect(a.components.every((c) => Number.isFinite(c.amplitude) && c.sd > 0)).toBe(true);
  });
});
