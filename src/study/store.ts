import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { ABSENT_SETTINGS } from './settings.js';
import { storableRepeat } from './study-output.js';
import type { RepeatResult, StudySettings } from './virtual-study.js';

/**
 * The study's store on disk: one file per finished repeat, OUT/repeats/NNN.json, holding the settings it was
 * made with and its result. `livermrs study --resume` (and the merge of `--shard` runs into one folder) keeps
 * the repeats stored with the same settings and runs the missing ones; a repeat made with other settings is
 * refused, naming the setting that differs: mixing repeats of different settings would be wrong.
 */

/** What OUT/repeats/NNN.json holds. */
export interface StoredRepeat {
  settings: StudySettings;
  result: Omit<RepeatResult, 'networks'>;
}

/** The file of a repeat, relative to OUT: repeats/001.json. */
export function repeatFile(repeat: number): string {
  return join('repeats', `${String(repeat).padStart(3, '0')}.json`);
}

/** The stored form of a repeat (without its networks, which go to OUT/models). */
export function storedRepeat(settings: StudySettings, r: RepeatResult): StoredRepeat {
  return { settings, result: storableRepeat(r) };
}

/** JSON with every object's keys sorted, so that equal settings give equal text whatever their key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, (x as Record<string, unknown>)[k]]),
        )
      : x,
  );
}

/**
 * The settings as compared on resume: the number of repeats and the threads do not change a repeat's result;
 * settings added later read back as what their absence means (settings.ts ABSENT_SETTINGS).
 */
function comparable(s: StudySettings): Record<string, unknown> {
  return JSON.parse(
    canonicalJson({
      ...s,
      repeats: 0,
      threads: undefined,
      // An old name of priorAmplitudes: ignored.
      prior: undefined,
      priorAmplitudes: s.priorAmplitudes ?? ABSENT_SETTINGS.priorAmplitudes,
      bootstrapResamples: s.bootstrapResamples ?? ABSENT_SETTINGS.bootstrapResamples,
      priorSource: s.priorSource ?? ABSENT_SETTINGS.priorSource,
      ccnnHead: s.ccnnHead ?? ABSENT_SETTINGS.ccnnHead,
      correlation: s.correlation ?? ABSENT_SETTINGS.correlation,
      realism: s.realism ?? ABSENT_SETTINGS.realism,
      trainRealism: s.trainRealism ?? ABSENT_SETTINGS.trainRealism,
    }),
  );
}

/**
 * The first setting (a dotted path, e.g. `qcnn.architecture`) in which stored settings differ from these, with
 * both values; undefined when they agree as compared on resume.
 */
export function settingsDifference(
  stored: StudySettings,
  now: StudySettings,
): { setting: string; stored: string; now: string } | undefined {
  const walk = (a: unknown, b: unknown, path: string): ReturnType<typeof settingsDifference> => {
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        const d = walk(a[key], b[key], path ? `${path}.${key}` : key);
        if (d) return d;
      }
      return undefined;
    }
    const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
    return x === y ? undefined : { setting: path, stored: x ?? 'absent', now: y ?? 'absent' };
  };
  return walk(comparable(stored), comparable(now), '');
}

/**
 * The repeats stored under OUT/repeats with the same settings (those up to `settings.repeats`), in file order;
 * none when there is no such folder. A repeat stored with other settings is a UsageError naming the file and the
 * first setting that differs; an unreadable file an InputError.
 */
export function readDoneRepeats(out: string, settings: StudySettings): RepeatResult[] {
  const dir = join(out, 'repeats');
  if (!existsSync(dir)) return [];
  const done: RepeatResult[] = [];
  for (const f of readdirSync(dir).filter((x) => /^\d{3}\.json$/.test(x))) {
    const file = join(dir, f);
    let stored: StoredRepeat;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as StoredRepeat;
    } catch (err) {
      throw new InputError(
        'cannot read a stored repeat',
        { file, expected: 'the JSON a study run wrote' },
        { cause: err },
      );
    }
    if (!isObject(stored?.settings) || typeof stored.result?.repeat !== 'number') {
      throw new InputError('not a stored repeat', {
        file,
        expected: 'an object with settings and result.repeat',
      });
    }
    const d = settingsDifference(stored.settings, settings);
    if (d) {
      throw new UsageError(
        `--resume: ${file} was made with other settings: ${d.setting} ${d.stored} there, ${d.now} now (use another --out)`,
      );
    }
    if (stored.result.repeat <= settings.repeats) done.push(stored.result as RepeatResult);
  }
  return done;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
