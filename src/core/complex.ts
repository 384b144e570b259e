/**
 * Complex vectors are stored interleaved, [re0, im0, re1, im1, ...], in a Float64Array (or Float32Array where
 * memory matters, e.g. datasets). Length in complex points is `array.length / 2`.
 */
export type ComplexArray = Float64Array;
export type ComplexArray32 = Float32Array;

export function complexZeros(points: number): ComplexArray {
  return new Float64Array(2 * points);
}

export function complexFromParts(re: ArrayLike<number>, im: ArrayLike<number>): ComplexArray {
  if (re.length !== im.length) throw new RangeError('real and imaginary parts differ in length');
  const out = new Float64Array(2 * re.length);
  for (let i = 0; i < re.length; i++) {
    out[2 * i] = re[i];
    out[2 * i + 1] = im[i];
  }
  return out;
}

export function realPart(z: ArrayLike<number>): Float64Array {
  const n = z.length >> 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = z[2 * i];
  return out;
}

export function imagPart(z: ArrayLike<number>): Float64Array {
  const n = z.length >> 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = z[2 * i + 1];
  return out;
}

export function magnitude(z: ArrayLike<number>): Float64Array {
  const n = z.length >> 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.hypot(z[2 * i], z[2 * i + 1]);
  return out;
}

/** In-place complex conjugate. */
export function conjugateInPlace(z: Float64Array | Float32Array): void {
  for (let i = 1; i < z.length; i += 2) z[i] = -z[i];
}

/** Multiply sample k in place by e^{i·sign·phase[k]} (a time-dependent phase, e.g. an eddy current's). */
export function rotateEachInPlace(z: Float64Array, phase: ArrayLike<number>, sign: 1 | -1 = 1): void {
  for (let k = 0; k < phase.length; k++) {
    const c = Math.cos(phase[k]);
    const s = sign * Math.sin(phase[k]);
    const re = z[2 * k];
    const im = z[2 * k + 1];
    z[2 * k] = re * c - im * s;
    z[2 * k + 1] = re * s + im * c;
  }
}

/** Multiply in place by e^{i phi}. */
export function rotateInPlace(z: Float64Array | Float32Array, phi: number): void {
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  for (let i = 0; i < z.length; i += 2) {
    const re = z[i];
    const im = z[i + 1];
    z[i] = re * c - im * s;
    z[i + 1] = re * s + im * c;
  }
}
