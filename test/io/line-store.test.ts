import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskLineStore, lineStoreKey } from '../../src/io/line-store.js';
import type { LineListRequest } from '../../src/physics/basis.js';
import { DEFAULT_PROTOCOL, simulateLineLists } from '../../src/physics/index.js';
import { defaultPulseSet } from '../../src/physics/pulses/index.js';

const dir = mkdtempSync(join(tmpdir(), 'livermrs-line-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shaped line lists on disk', () => {
  it('stores, reads back bit for bit, and keys by every pulse sample and the grid', () => {
    const requests: LineListRequest[] = [];
    const inner = diskLineStore(dir);
    let reads = 0;
    const store = {
      get: (r: LineListRequest) => {
        const l = inner.get(r);
        if (l) reads++;
        return l;
      },
      set: (r: LineListRequest, l: Parameters<typeof inner.set>[1]) => {
        requests.push(r);
        inner.set(r, l);
      },
    };
    const pulses = defaultPulseSet(4);
    const first = simulateLineLists(DEFAULT_PROTOCOL, ['Lac', 'Cr'], { pulses, store, cache: false });
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    const second = simulateLineLists(DEFAULT_PROTOCOL, ['Lac', 'Cr'], { pulses, store, cache: false });
    expect(reads).toBe(2);
    for (const name of ['Lac', 'Cr']) {
      expect(Array.from(second[name].hz)).toEqual(Array.from(first[name].hz));
      expect(Array.from(second[name].re)).toEqual(Array.from(first[name].re));
      expect(Array.from(second[name].im)).toEqual(Array.from(first[name].im));
    }
    // One changed sample of the refocusing pulse, another grid or another field: other keys.
    const lac = requests[0];
    const key = lineStoreKey(lac);
    const refocusing = { ...pulses.refocusing, amplitude: Float64Array.from(pulses.refocusing.amplitude) };
    refocusing.amplitude[100] *= 1.001;
    const steps = lac.sequence.steps.map((s) =>
      s.kind === 'pulse' && s.pulse === pulses.refocusing ? { ...s, pulse: refocusing } : s,
    );
    expect(lineStoreKey({ ...lac, sequence: { ...lac.sequence, steps } })).not.toBe(key);
    expect(lineStoreKey({ ...lac, spectrometerFrequency: 123.2 })).not.toBe(key);
    simulateLineLists(DEFAULT_PROTOCOL, ['Lac'], { pulses: defaultPulseSet(5), store, cache: false });
    expect(lineStoreKey(requests[requests.length - 1])).not.toBe(key);
    // A damaged file counts as absent and is rewritten.
    const file = readdirSync(dir).find((f) => f.startsWith(`Lac-${key}`))!;
    writeFileSync(join(dir, file), '{"format": "livermrs-shaped-lines-1", "hz": [1');
    expect(inner.get(lac)).toBeUndefined();
  });
});
