import type { Rng } from '../core/random.js';

/**
 * Fast standard normal deviates by the ziggurat method (Marsaglia & Tsang, J Stat Softw 2000;5(8)), 128 layers.
 * Written here because the simulator draws 2048 noise values per spectrum and Rng.normal() (polar method, a
 * log and a sqrt per pair, ~21% rejections) was the largest single cost after the FFT. The layer index and the
 * position inside the layer come from two separate 32-bit draws, which avoids the correlation between them that
 * the original single-integer version has (Doornik, 2005).
 */
const LAYERS = 128;
const R = 3.442619855899; // start of the tail
const V = 9.91256303526217e-3; // area of each layer (for the unnormalised density exp(-x²/2))

/** x[i]: right edge of layer i (x[0] is the base strip's virtual width), x[LAYERS] = 0. */
const X = new Float64Array(LAYERS + 1);
/** f[i] = exp(-x[i]²/2). */
const F = new Float64Array(LAYERS + 1);
{
  const f = (x: number) => Math.exp(-0.5 * x * x);
  X[0] = V / f(R);
  X[1] = R;
  for (let i = 1; i < LAYERS - 1; i++) {
    X[i + 1] = Math.sqrt(-2 * Math.log(f(X[i]) + V / X[i]));
  }
  X[LAYERS] = 0;
  for (let i = 0; i <= LAYERS; i++) F[i] = f(X[i]);
  F[0] = f(R); // the base strip's height is the density at R (its width is virtual)
}

const INV_2_24 = 1 / 16777216;
/** XS[i] = X[i] / 2^24: the position z = u·XS[i] of a 24-bit integer u in layer i (u·2^-24·X[i], exactly). */
const XS = X.map((x) => x * INV_2_24);
/**
 * ACCEPT[i]: the smallest 24-bit u whose position in layer i is not below X[i+1], so that the common-case
 * test z < X[i+1] is the integer comparison u < ACCEPT[i] (same decisions, found by bisection on the very
 * floating-point products the test would compute).
 */
const ACCEPT = new Int32Array(LAYERS);
for (let i = 0; i < LAYERS; i++) {
  let lo = 0;
  let hi = 1 << 24;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (m * XS[i] >= X[i + 1]) hi = m;
    else lo = m + 1;
  }
  ACCEPT[i] = lo;
}

const INV_2_32 = 1 / 4294967296;

/** One standard normal deviate. */
export function zigguratNormal(rng: Rng): number {
  for (;;) {
    const u = rng.nextUint32();
    const i = u & 127;
    const sign = u & 128 ? -1 : 1;
    const z = rng.nextUint32() * INV_2_32 * X[i];
    if (z < X[i + 1]) return sign * z;
    if (i === 0) {
      // Tail beyond R (Marsaglia 1964).
      let x: number;
      let y: number;
      do {
        x = -Math.log(1 - rng.nextUint32() * INV_2_32) / R;
        y = -Math.log(1 - rng.nextUint32() * INV_2_32);
      } while (2 * y < x * x);
      return sign * (R + x);
    }
    // Wedge between the inner rectangle and the curve.
    const y = F[i] + rng.nextUint32() * INV_2_32 * (F[i + 1] - F[i]);
    if (y < Math.exp(-0.5 * z * z)) return sign * z;
  }
}

/**
 * Fills out[offset .. offset+n) with standard normal deviates. For speed the draws come from a local
 * xoshiro128** generator (Blackman & Vigna 2018) seeded by four words of `rng` and inlined here, one 32-bit word
 * per deviate in the common case (low 7 bits: layer, bit 7: sign, high 24 bits: position in the layer; disjoint
 * bits of a generator whose every output bit is uniform).
 */
export function fillNormal(rng: Rng, out: Float64Array, offset = 0, n = out.length - offset): void {
  const st = SCRATCH;
  st[0] = rng.nextUint32() | 1;
  st[1] = rng.nextUint32();
  st[2] = rng.nextUint32();
  st[3] = rng.nextUint32();
  fillFromState(st, null, 1, out, offset, n);
}

/**
 * Block `block` of an addressable noise sequence: the deviates of each block come from a generator seeded by
 * hashing `key` (four words) with the block number, so any block can be made without the blocks before it
 * (the simulator adds noise only to the bins a network will see, and still gives every bin the same value it
 * has in the full spectrum).
 */
export function fillNormalBlock(
  key: Uint32Array,
  block: number,
  out: Float64Array,
  offset: number,
  n: number,
): void {
  seedBlock(key, block);
  fillFromState(SCRATCH, null, 1, out, offset, n);
}

/**
 * out[offset + k] = signal[offset + k] + sigma·z_k for the deviates z_k of block `block` (the values
 * fillNormalBlock gives), in one pass: how the simulator adds its noise.
 */
export function addNormalBlock(
  key: Uint32Array,
  block: number,
  sigma: number,
  signal: ArrayLike<number>,
  out: Float64Array | Float32Array,
  offset: number,
  n: number,
): void {
  seedBlock(key, block);
  fillFromState(SCRATCH, signal, sigma, out, offset, n);
}

function seedBlock(key: Uint32Array, block: number): void {
  const st = SCRATCH;
  const b = Math.imul(block + 1, 0x9e3779b9);
  st[0] = mix32(key[0] ^ b) | 1;
  st[1] = mix32(key[1] ^ mix32(b + 1));
  st[2] = mix32(key[2] ^ mix32(b + 2));
  st[3] = mix32(key[3] ^ mix32(b + 3));
}

const SCRATCH = new Uint32Array(4);

function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Writes out[offset + k] = z_k, or signal[offset + k] + sigma·z_k when a signal is given. */
function fillFromState(
  st: Uint32Array,
  signal: ArrayLike<number> | null,
  sigma: number,
  out: Float64Array | Float32Array,
  offset: number,
  n: number,
): void {
  let s0 = st[0] | 0;
  let s1 = st[1] | 0;
  let s2 = st[2] | 0;
  let s3 = st[3] | 0;
  for (let k = 0; k < n; k++) {
    // xoshiro128** step (r stays a signed 32-bit integer: only its bits are used)
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const i = r & 127;
    const u = r >>> 8;
    let z: number;
    if (u < ACCEPT[i]) {
      z = u * XS[i];
      if (r & 128) z = -z;
    } else {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      z = slowNormal(st, i, u * INV_2_24 * X[i], r & 128 ? -1 : 1);
      s0 = st[0] | 0;
      s1 = st[1] | 0;
      s2 = st[2] | 0;
      s3 = st[3] | 0;
    }
    out[offset + k] = signal === null ? z : signal[offset + k] + sigma * z;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Next uniform in [0, 1) from a xoshiro128** state held in `st`. */
function nextUniform(st: Uint32Array): number {
  const s0 = st[0] | 0;
  const s1 = st[1] | 0;
  const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  let s2 = (st[2] | 0) ^ s0;
  let s3 = (st[3] | 0) ^ s1;
  const n1 = s1 ^ s2;
  const n0 = s0 ^ s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  st[0] = n0;
  st[1] = n1;
  st[2] = s2;
  st[3] = s3;
  return r * INV_2_32;
}

/** The rare ziggurat paths (tail and wedges), after the first try at layer i gave position z. */
function slowNormal(st: Uint32Array, i: number, z: number, sign: number): number {
  for (;;) {
    if (i === 0) {
      let x: number;
      let y: number;
      do {
        x = -Math.log(1 - nextUniform(st)) / R;
        y = -Math.log(1 - nextUniform(st));
      } while (2 * y < x * x);
      return sign * (R + x);
    }
    if (z >= X[i + 1]) {
      const y = F[i] + nextUniform(st) * (F[i + 1] - F[i]);
      if (y < Math.exp(-0.5 * z * z)) return sign * z;
    } else {
      return sign * z;
    }
    // Start over with a fresh layer, sign and position.
    const u = nextUniform(st) * 4294967296;
    i = u & 127;
    sign = u & 128 ? -1 : 1;
    z = nextUniform(st) * X[i];
  }
}
