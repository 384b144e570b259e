/**
 * One LCModel run on one FID, for the benchmarks that put livermrs beside LCModel (LCModel is not part of the
 * project: its public BSD source builds with gfortran, and the benchmarks take the binary from the environment
 * variable LCMODEL). The FID is written as .RAW (io/lcmodel/raw.ts), scaled ×scale (LCModel's Marquardt step
 * overflows, FATAL SOLVE 6, on FIDs of order 1), LCModel is given a control namelist on stdin, and its .COORD is
 * read back (io/lcmodel/coord.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fid } from '../src/core/fid.js';
import { type LcmCoord, readLcmCoord } from '../src/io/lcmodel/coord.js';
import { writeLcmRaw } from '../src/io/lcmodel/raw.js';

/** What differs between the benchmarks' LCModel runs. */
export interface LcmodelSettings {
  /** Title and .RAW name prefix (`${name} ${i}`, `${name}${i}`). */
  name: string;
  sptype: string;
  ppmst: number;
  ppmend: number;
  echoTimeMs: number;
  /** Factor on the FID before it is written. */
  scale: number;
}

/** The control namelist of run i in dir. */
function control(dir: string, i: number, fid: Fid, s: LcmodelSettings): string {
  return [
    ' $LCMODL',
    ` title='${s.name} ${i}'`,
    ` filraw='${join(dir, `s${i}.RAW`)}'`,
    ` filcoo='${join(dir, `s${i}.COORD`)}'`,
    ' lcoord=9',
    ` filtab='${join(dir, `s${i}.table`)}'`,
    ' ltable=7',
    ` filps='${join(dir, `s${i}.ps`)}'`,
    ` hzpppm=${fid.spectrometerFrequency}`,
    ` deltat=${fid.dwellTime}`,
    ` nunfil=${fid.points}`,
    ` echot=${s.echoTimeMs}`,
    ` sptype='${s.sptype}'`,
    ` ppmst=${s.ppmst.toFixed(1)}`,
    ` ppmend=${s.ppmend.toFixed(1)}`,
    ' $END',
    '',
  ].join('\n');
}

const fatalOf = (text: string) => /FATAL\s+\w+\s+\d+/.exec(text)?.[0]?.replace(/\s+/g, ' ');

/** Runs LCModel on one FID in dir: its .COORD, or the reason it gave none; the wall time of the run. */
export function runLcmodel(
  bin: string,
  dir: string,
  i: number,
  fid: Fid,
  s: LcmodelSettings,
): { coord?: LcmCoord; failure?: string; seconds: number } {
  const data = fid.data.map((x) => x * s.scale);
  writeFileSync(
    join(dir, `s${i}.RAW`),
    writeLcmRaw({ ...fid, data, echoTime: s.echoTimeMs / 1000 }, `${s.name}${i}`),
  );
  const t0 = performance.now();
  const p = spawnSync(bin, [], { input: control(dir, i, fid, s), encoding: 'latin1', timeout: 300_000 });
  const seconds = (performance.now() - t0) / 1000;
  let coordText = '';
  try {
    coordText = readFileSync(join(dir, `s${i}.COORD`), 'latin1');
  } catch {
    let table = '';
    try {
      table = readFileSync(join(dir, `s${i}.table`), 'latin1');
    } catch {}
    const failure = fatalOf(table) ?? (p.error ? String(p.error) : `exit ${p.status}`);
    return { failure: failure.replace(/\s+/g, ' '), seconds };
  }
  try {
    return { coord: readLcmCoord(coordText, `s${i}.COORD`), seconds };
  } catch {
    // LCModel writes a .COORD without its plot block when it gives up on the fit.
    return { failure: fatalOf(coordText) ?? '.COORD without a fit', seconds };
  }
}
