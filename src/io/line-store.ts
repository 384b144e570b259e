import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LIVERMRS_VERSION } from '../core/version.js';
import type { LineListRequest, LineListStore } from '../physics/basis.js';
import type { LineList } from '../spectra/line-list.js';
import { writeFileAtomic } from './atomic.js';

/**
 * Shaped-pulse line lists on disk, one JSON file per component and condition, named by the SHA-256 of everything
 * the simulation depends on (the molecule's spin system, field, receiver reference, exchangeable protons, timing,
 * and the whole shaped sequence: every pulse sample, flip angle, gradient, position, delay and the coupling
 * steps) and of the livermrs version. A line list renders to any grid, so one file serves every spectral width
 * and number of points. Unreadable or foreign files count as absent and are rewritten.
 */
const FORMAT = 'livermrs-shaped-lines-1';

export function diskLineStore(dir: string): LineListStore {
  const path = (request: LineListRequest) => join(dir, `${request.component}-${lineStoreKey(request)}.json`);
  return {
    get(request) {
      let text: string;
      try {
        text = readFileSync(path(request), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const d = JSON.parse(text) as Record<string, unknown>;
        if (d.format !== FORMAT) return undefined;
        const arr = (v: unknown) => (Array.isArray(v) ? Float64Array.from(v as number[]) : undefined);
        const hz = arr(d.hz);
        const re = arr(d.re);
        const im = arr(d.im);
        if (!hz || !re || !im || re.length !== hz.length || im.length !== hz.length) return undefined;
        const lines: LineList = {
          hz,
          re,
          im,
          spectrometerFrequency: request.spectrometerFrequency,
          ppmReference: request.ppmReference,
        };
        const fwhm = arr(d.fwhmHz);
        if (fwhm) lines.fwhmHz = fwhm;
        return lines;
      } catch {
        return undefined;
      }
    },
    set(request, lines) {
      const out = {
        format: FORMAT,
        component: request.component,
        version: LIVERMRS_VERSION,
        sequence: request.sequence.name,
        hz: Array.from(lines.hz),
        re: Array.from(lines.re),
        im: Array.from(lines.im),
        ...(lines.fwhmHz ? { fwhmHz: Array.from(lines.fwhmHz) } : {}),
      };
      try {
        writeFileAtomic(path(request), JSON.stringify(out));
      } catch {
        // A store that cannot be written (read-only home, full disk) only costs the next run its time.
      }
    },
  };
}

/** SHA-256 (hex, 32 characters) of a request: typed arrays are written out in full. */
export function lineStoreKey(request: LineListRequest): string {
  const json = JSON.stringify([FORMAT, LIVERMRS_VERSION, request], (_key, value: unknown) =>
    ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value,
  );
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
}

/**
 * The default store folder: $LIVERMRS_CACHE, else $XDG_CACHE_HOME/livermrs/basis, else ~/.cache/livermrs/basis.
 * LIVERMRS_CACHE=off disables the store (undefined).
 */
export function defaultLineStore(): LineListStore | undefined {
  const env = process.env.LIVERMRS_CACHE;
  if (env === 'off') return undefined;
  const dir = env ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'livermrs', 'basis');
  return diskLineStore(dir);
}
