import FFT from 'fft.js';

/**
 * Complex FFTs on interleaved arrays. Power-of-two lengths use fft.js (radix-4, the fastest pure-JS FFT we
 * measured); other lengths (e.g. 4095-point NIfTI-MRS files) use Bluestein's chirp-z algorithm on top of it.
 * Forward transform: X_k = sum_n x_n e^{-i 2 pi k n / N} (no scaling); inverse divides by N.
 */
const planCache = new Map<number, FFT>();

function plan(n: number): FFT {
  let p = planCache.get(n);
  if (!p) {
    p = new FFT(n);
    planCache.set(n, p);
  }
  return p;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 1 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Forward FFT; returns a new interleaved array. */
export function fft(x: ArrayLike<number>): Float64Array {
  return transform(x, false);
}

/** Inverse FFT (scaled by 1/N); returns a new interleaved array. */
export function ifft(x: ArrayLike<number>): Float64Array {
  return transform(x, true);
}

function transform(x: ArrayLike<number>, inverse: boolean): Float64Array {
  const n = x.length >> 1;
  if (n === 1) return Float64Array.from(x as ArrayLike<number>);
  if (isPowerOfTwo(n)) {
    const p = plan(n);
    const input = x instanceof Float64Array ? x : Float64Array.from(x);
    const out = new Float64Array(2 * n);
    if (inverse) {
      p.inverseTransform(out as unknown as number[], input as unknown as number[]);
    } else {
      p.transform(out as unknown as number[], input as unknown as number[]);
    }
    return out;
  }
  return bluestein(x, inverse);
}

/** Bluestein: DFT of any length via a power-of-two circular convolution with a chirp. */
function bluestein(x: ArrayLike<number>, inverse: boolean): Float64Array {
  const n = x.length >> 1;
  const m = nextPowerOfTwo(2 * n - 1);
  const sign = inverse ? 1 : -1;
  const wRe = new Float64Array(n);
  const wIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle accurate for large k.
    const ang = (sign * Math.PI * ((k * k) % (2 * n))) / n;
    wRe[k] = Math.cos(ang);
    wIm[k] = Math.sin(ang);
  }
  const a = new Float64Array(2 * m);
  for (let k = 0; k < n; k++) {
    const re = x[2 * k];
    const im = x[2 * k + 1];
    a[2 * k] = re * wRe[k] - im * wIm[k];
    a[2 * k + 1] = re * wIm[k] + im * wRe[k];
  }
  const b = new Float64Array(2 * m);
  b[0] = wRe[0];
  b[1] = -wIm[0];
  for (let k = 1; k < n; k++) {
    b[2 * k] = wRe[k];
    b[2 * k + 1] = -wIm[k];
    b[2 * (m - k)] = wRe[k];
    b[2 * (m - k) + 1] = -wIm[k];
  }
  const fa = transform(a, false);
  const fb = transform(b, false);
  for (let i = 0; i < 2 * m; i += 2) {
    const re = fa[i] * fb[i] - fa[i + 1] * fb[i + 1];
    const im = fa[i] * fb[i + 1] + fa[i + 1] * fb[i];
    fa[i] = re;
    fa[i + 1] = im;
  }
  const conv = transform(fa, true);
  const out = new Float64Array(2 * n);
  const scale = inverse ? 1 / n : 1;
  for (let k = 0; k < n; k++) {
    const re = conv[2 * k];
    const im = conv[2 * k + 1];
    out[2 * k] = (re * wRe[k] - im * wIm[k]) * scale;
    out[2 * k + 1] = (re * wIm[k] + im * wRe[k]) * scale;
  }
  return out;
}

/** fftshift for interleaved complex arrays: moves the zero-frequency bin to index floor(N/2). */
export function fftshift(x: ArrayLike<number>): Float64Array {
  const n = x.length >> 1;
  const h = Math.floor(n / 2);
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const j = (k + n - h) % n; // out[k] = x[(k - h) mod n]
    out[2 * k] = x[2 * j];
    out[2 * k + 1] = x[2 * j + 1];
  }
  return out;
}

/** Inverse of fftshift. */
export function ifftshift(x: ArrayLike<number>): Float64Array {
  const n = x.length >> 1;
  const h = Math.floor(n / 2);
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const j = (k + h) % n;
    out[2 * k] = x[2 * j];
    out[2 * k + 1] = x[2 * j + 1];
  }
  return out;
}

/** Spectrum in the internal convention: fftshift(fft(fid)) (see core/fid.ts). */
export function fidToSpectrum(fid: ArrayLike<number>): Float64Array {
  return fftshift(fft(fid));
}

/** Inverse of fidToSpectrum. */
export function spectrumToFid(spectrum: ArrayLike<number>): Float64Array {
  return ifft(ifftshift(spectrum));
}
