import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/core/errors.js';
import { STUDY_DEFAULTS } from '../../src/study/settings.js';
import { canonicalJson, readDoneRepeats, repeatFile, settingsDifference } from '../../src/study/store.js';
import { DEFAULT_SETTINGS, type StudySettings } from '../../src/study/virtual-study.js';

const work = mkdtempSync(join(tmpdir(), 'livermrs-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SETTINGS: StudySettings = { ...DEFAULT_SETTINGS, repeats: 3, seed: 1 };

/** A study folder with repeats/NNN.json written from [settings, repeat number] pairs. */
function folder(name: string, repeats: [StudySettings | Record<string, unknown>, number][]): string {
  const out = join(work, name);
  mkdirSync(join(out, 'repeats'), { recursive: true });
  for (const [settings, repeat] of repeats) {
    writeFileSync(
      join(out, repeatFile(repeat)),
      JSON.stringify({ settings, result: { repeat, seed: repeat } }),
    );
  }
  writeFileSync(join(out, 'repeats', '001-priors.yaml'), 'not a repeat');
  return out;
}

describe('study store (OUT/repeats/NNN.json)', () => {
  it('DEFAULT_SETTINGS are STUDY_DEFAULTS plus the fit options, in the order they are written', () => {
    expect(Object.keys(DEFAULT_SETTINGS)).toEqual([...Object.keys(STUDY_DEFAULTS), 'fitOptions']);
    expect(DEFAULT_SETTINGS.trainSpectra).toBe(80_000);
    expect(repeatFile(7)).toBe(join('repeats', '007.json'));
  });

  it('resumes with the repeats stored under the same settings, up to the number of repeats', () => {
    expect(readDoneRepeats(join(work, 'none'), SETTINGS)).toEqual([]);
    // Another thread count and repeat count, keys in another order: the same study.
    const reordered = Object.fromEntries(
      Object.entries({ ...SETTINGS, repeats: 10, threads: { torch: 2, simulation: 3, fit: 4 } }).reverse(),
    );
    const out = folder('resume', [
      [SETTINGS, 1],
      [reordered, 2],
      [SETTINGS, 4],
    ]);
    expect(readDoneRepeats(out, SETTINGS).map((r) => r.repeat)).toEqual([1, 2]);
    expect(readDoneRepeats(out, { ...SETTINGS, repeats: 5 }).map((r) => r.repeat)).toEqual([1, 2, 4]);
  });

  it('reads settings stored before a setting existed as what its absence means', () => {
    const old: Record<string, unknown> = { ...SETTINGS, trainRealism: 'none' };
    for (const k of [
      'bootstrapResamples',
      'priorSource',
      'ccnnHead',
      'correlation',
      'realism',
      'priorAmplitudes',
    ])
      delete old[k];
    const out = folder('old', [[old, 1]]);
    const now: StudySettings = {
      ...SETTINGS,
      trainRealism: 'none',
      bootstrapResamples: 0,
      ccnnHead: 'calibrated',
      correlation: 'group',
      realism: 'none',
      priorAmplitudes: 'nonnegative',
    };
    expect(readDoneRepeats(out, now)).toHaveLength(1);
    // Absent trainRealism means 'none' (networks trained without distortions), not today's default 'typical'.
    expect(settingsDifference(old as unknown as StudySettings, SETTINGS)).toEqual({
      setting: 'trainRealism',
      stored: '"none"',
      now: '"typical"',
    });
  });

  it('refuses a repeat made with other settings, naming the file and the setting that differs', () => {
    const out = folder('other', [
      [SETTINGS, 1],
      [{ ...SETTINGS, trainSpectra: 1000 }, 2],
    ]);
    const resume = () => readDoneRepeats(out, SETTINGS);
    expect(resume).toThrow(UsageError);
    expect(resume).toThrow(
      `--resume: ${join(out, 'repeats', '002.json')} was made with other settings: trainSpectra 1000 there, 80000 now (use another --out)`,
    );
    const nested = { ...SETTINGS, qcnn: { ...SETTINGS.qcnn, architecture: 'small' } };
    expect(settingsDifference(nested, SETTINGS)).toEqual({
      setting: 'qcnn.architecture',
      stored: '"small"',
      now: '"deep"',
    });
    expect(settingsDifference({ ...SETTINGS, ccnnHead: 'features' }, SETTINGS)?.setting).toBe('ccnnHead');
    expect(
      settingsDifference({ ...SETTINGS, design: { ...SETTINGS.design, test: [5, 5] } }, SETTINGS),
    ).toEqual({
      setting: 'design.test',
      stored: '[5,5]',
      now: '[10,7]',
    });
  });

  it('names a stored repeat it cannot read', () => {
    const out = folder('broken', []);
    writeFileSync(join(out, 'repeats', '001.json'), '{"settings": ');
    expect(() => readDoneRepeats(out, SETTINGS)).toThrow(InputError);
    expect(() => readDoneRepeats(out, SETTINGS)).toThrow(/001\.json: cannot read a stored repeat/);
    writeFileSync(join(out, 'repeats', '001.json'), '{"result": {"repeat": 1}}');
    expect(() => readDoneRepeats(out, SETTINGS)).toThrow(/001\.json: not a stored repeat/);
  });

  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});
