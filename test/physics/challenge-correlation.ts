/**
 * Correlation of livermrs basis spectra with the ISMRM 2016 fitting challenge LCModel basis
 * (press3T_30ms.BASIS: ideal PRESS TE1 11 ms, TE2 19 ms, 4000 Hz, 2048 points zero-filled to 4096, with a
 * 0 ppm reference peak). Real spectra are compared over 0.5-4.2 ppm after giving ours the challenge's line width
 * (estimated once from its singlets) and the zero-order phase that best matches each metabolite.
 */
import { readFileSync } from 'node:fs';
import type { BasisSet } from '../../src/core/basis.js';
import { ppmAxis } from '../../src/core/fid.js';
import { readLcmBasis } from '../../src/io/lcmodel/basis.js';
import { type Protocol, simulateBasis } from '../../src/physics/index.js';
import { binsIn, phasedRealCorrelation } from '../../src/spectra/compare.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';
import { applyLineshape } from '../../src/spectra/render.js';
import { CHALLENGE } from '../paths.js';

/** Challenge name -> livermrs name. The challenge's Cr is creatine alone (our CrOnly). */
export const CHALLENGE_NAMES: Record<string, string> = {
  Cr: 'CrOnly',
  Lac: 'Lac',
  Glu: 'Glu',
  Gln: 'Gln',
  Ins: 'Ins',
  GPC: 'GPC',
  PCho: 'PCh',
  Tau: 'Tau',
  NAA: 'NAA',
  GSH: 'GSH',
  Ala: 'Ala',
  Asc: 'Asc',
  Asp: 'Asp',
  GABA: 'GABA',
  Glc: 'Glc',
  Gly: 'Gly',
  NAAG: 'NAAG',
  PCr: 'PCr',
  PE: 'PE',
  sIns: 'Scyllo',
};

export function readChallengeBasis(): BasisSet {
  const file = `${CHALLENGE}/basisset_LCModel/press3T_30ms.BASIS`;
  return readLcmBasis(readFileSync(file, 'utf8'), file);
}

export function challengeProtocol(mhz: number): Protocol {
  return {
    spectrometerFrequency: mhz,
    sequence: 'press',
    te1: 0.011,
    te2: 0.019,
    dwellTime: 0.00025,
    points: 2048,
    ppmReference: 4.65,
  };
}

/** Real spectra of `ours` (broadened) and `theirs` over the window; best r over the zero-order phase. */
export function bestPhaseCorrelation(
  ours: Float64Array,
  theirs: Float64Array,
  protocol: Protocol,
  lorentzHz: number,
  gaussHz: number,
  window: [number, number] = [0.5, 4.2],
): { r: number; phaseDeg: number } {
  const f = Float64Array.from(ours);
  applyLineshape(f, protocol.dwellTime, lorentzHz, gaussHz);
  const s = fidToSpectrum(f);
  const t = fidToSpectrum(theirs.subarray(0, 2 * protocol.points));
  const idx = binsIn(ppmAxis(protocol), window);
  const rAt = (deg: number) => phasedRealCorrelation(s, t, idx, deg);
  let best = { r: -2, phaseDeg: 0 };
  for (let d = 0; d < 360; d += 5) {
    const r = rAt(d);
    if (r > best.r) best = { r, phaseDeg: d };
  }
  for (const step of [1, 0.2]) {
    for (let d = best.phaseDeg - 5 * step; d <= best.phaseDeg + 5 * step; d += step) {
      const r = rAt(d);
      if (r > best.r) best = { r, phaseDeg: d };
    }
  }
  return best;
}

/** The challenge's line shape: the Lorentzian/Gaussian FWHM pair that best matches its scyllo-inositol singlet. */
export function estimateChallengeLineshape(
  challenge: BasisSet,
  protocol: Protocol,
): { lorentzHz: number; gaussHz: number; r: number } {
  const ours = simulateBasis(protocol, ['Scyllo']).fids[0];
  const theirs = challenge.fids[challenge.names.indexOf('sIns')];
  let best = { lorentzHz: 0, gaussHz: 0, r: -2 };
  for (let l = 0; l <= 4; l += 0.25) {
    for (let g = 0; g <= 4; g += 0.25) {
      const { r } = bestPhaseCorrelation(ours, theirs, protocol, l, g, [3.0, 3.7]);
      if (r > best.r) best = { lorentzHz: l, gaussHz: g, r };
    }
  }
  return best;
}

export interface ChallengeCorrelation {
  name: string;
  ours: string;
  r: number;
  phaseDeg: number;
}

/**
 * r for every challenge metabolite (and our total Cr against their creatine). `variants` adds rows comparing a
 * challenge spectrum with another molecule of the library, e.g. { GSH: ['GSH-Tkac2008'] }.
 */
export function challengeCorrelations(
  mhz: number,
  extraLorentzHz = 0,
  variants: Record<string, string[]> = {},
): { lineshape: { lorentzHz: number; gaussHz: number; r: number }; rows: ChallengeCorrelation[] } {
  const challenge = readChallengeBasis();
  const protocol = challengeProtocol(mhz);
  const lineshape = estimateChallengeLineshape(challenge, protocol);
  const names = Object.keys(CHALLENGE_NAMES);
  const extra = Object.values(variants).flat();
  const ours = simulateBasis(protocol, [...names.map((n) => CHALLENGE_NAMES[n]), 'Cr', ...extra]);
  const rows: ChallengeCorrelation[] = [];
  const compare = (theirName: string, ourName: string) => {
    const theirs = Float64Array.from(challenge.fids[challenge.names.indexOf(theirName)]);
    applyLineshape(theirs, protocol.dwellTime, extraLorentzHz, 0);
    const { r, phaseDeg } = bestPhaseCorrelation(
      ours.fids[ours.names.indexOf(ourName)],
      theirs,
      protocol,
      lineshape.lorentzHz + extraLorentzHz,
      lineshape.gaussHz,
    );
    rows.push({ name: theirName, ours: ourName, r, phaseDeg });
  };
  for (const n of names) compare(n, CHALLENGE_NAMES[n]);
  compare('Cr', 'Cr');
  for (const [theirName, list] of Object.entries(variants)) for (const v of list) compare(theirName, v);
  return { lineshape, rows };
}
