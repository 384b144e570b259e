import { describe, expect, it } from 'vitest';
import { LIVER_DEFAULTS, toMs } from '../../src/core/acquisition.js';
import { liverProtocol } from '../../src/fit/liver.js';
import { DEFAULT_PROTOCOL, resolveTiming } from '../../src/physics/protocol.js';
import { protocolFromOptions } from '../../src/analysis/basis-protocol.js';
import { WATER_FAT_GRID } from '../../src/simulate/water-fat.js';

const pick = (keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, LIVER_DEFAULTS[k as keyof typeof LIVER_DEFAULTS]]));

describe('core/acquisition: the liver defaults are defined once', () => {
  it('the default basis protocol is the liver default', () => {
    // Every field of the default basis protocol is the liver default of the same name.
    expect(DEFAULT_PROTOCOL).toEqual(pick(Object.keys(DEFAULT_PROTOCOL)));
    expect(LIVER_DEFAULTS.te1 + LIVER_DEFAULTS.te2).toBe(LIVER_DEFAULTS.echoTime);
    expect(LIVER_DEFAULTS.dwellTime).toBe(1 / LIVER_DEFAULTS.spectralWidth);
    expect([toMs(LIVER_DEFAULTS.echoTime), toMs(LIVER_DEFAULTS.repetitionTime)]).toEqual([30, 1500]);
  });

  it('missing timings fall back to it: STEAM TE and TM, the water-fat grid, the basis command', () => {
    const grid = { spectrometerFrequency: 123.2, dwellTime: 1 / 4000, points: 2048, ppmReference: 4.7 };
    const steam = liverProtocol(grid, { sequence: 'steam' });
    expect(steam.te).toBe(LIVER_DEFAULTS.echoTime);
    expect(resolveTiming(steam).tm).toBe(LIVER_DEFAULTS.mixingTime);
    expect(liverProtocol(grid).sequence).toBe(LIVER_DEFAULTS.sequence);
    const cli = {
      sw: 2000,
      points: 1024,
      ppmReference: 4.65,
      linewidth: 0,
      gaussian: 0,
      format: 'json' as const,
      out: '',
    };
    expect(protocolFromOptions({ ...cli, sequence: 'steam' })).toMatchObject({
      te: LIVER_DEFAULTS.echoTime,
      tm: LIVER_DEFAULTS.mixingTime,
      spectrometerFrequency: LIVER_DEFAULTS.spectrometerFrequency,
    });
    expect(protocolFromOptions({ ...cli, sequence: 'press' }).te).toBe(LIVER_DEFAULTS.echoTime);
    expect(WATER_FAT_GRID).toEqual(pick(Object.keys(WATER_FAT_GRID)));
  });
});
