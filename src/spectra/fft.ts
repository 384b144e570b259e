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
  const sign = inverse ? 1 : -1;
  // k^2 mod 2n keeps the angle accurate for large k.
  const out = chirpZ(x, n, (k) => (sign * Math.PI * ((k * k) % (2 * n))) / n);
  if (inverse) {
    const scale = 1 / n;
    for (let i = 0; i < 2 * n; i++) out[i] *= scale;
  }
  return out;
}

/**
 * Chirp-z transform on the unit circle (Bluestein): X_j = sum_{k<K} x_k e^{i theta j k} for j < `points`,
 * from one power-of-two circular convolution (O((K + points) log(K + points)) instead of O(K * points)), via
 * jk = (j^2 + k^2 - (j - k)^2) / 2. `chirp(k)` returns theta * k^2 / 2 (callers reduce it where they can, e.g.
 * modulo 2 pi for a DFT). With theta = -2 pi / N and points = K = N it is the DFT; other theta evaluate the
 * spectrum at frequencies between the bins (e.g. to put a FID on another time grid).
 */
export function chirpZ(x: ArrayLike<number>, points: number, chirp: (k: number) => number): Float64Array {
  return chirpZPlan(x.length >> 1, points, chirp)(x);
}

/**
 * chirpZ for many inputs of K = `n` points with the same theta: the chirp and the transform of the
 * convolution kernel are computed once.
 */
export function chirpZPlan(
  n: number,
  points: number,
  chirp: (k: number) => number,
): (x: ArrayLike<number>) => Float64Array {
  const m = nextPowerOfTwo(n + points - 1);
  const len = Math.max(n, points);
  const wRe = new Float64Array(len);
  const wIm = new Float64Array(len);
  for (let k = 0; k < len; k++) {
    const ang = chirp(k);
    wRe[k] = Math.cos(ang);
    wIm[k] = Math.sin(ang);
  }
  // b_d = conj(w_|d|) for d = j - k in [-(n - 1), points - 1]; negative d wrap to the end.
  const b = new Float64Array(2 * m);
  b[0] = wRe[0];
  b[1] = -wIm[0];
  for (let k = 1; k < points; k++) {
    b[2 * k] = wRe[k];
    b[2 * k + 1] = -wIm[k];
  }
  for (let k = 1; k < n; k++) {
    b[2 * (m - k)] = wRe[k];
    b[2 * (m - k) + 1] = -wIm[k];
  }
  const fb = transform(b, false);
  /** dst_k = src_k * w_k for k < count. */
  const timesChirp = (src: ArrayLike<number>, count: number, dst: Float64Array) => {
    for (let k = 0; k < count; k++) {
      const re = src[2 * k];
      const im = src[2 * k + 1];
      dst[2 * k] = re * wRe[k] - im * wIm[k];
      dst[2 * k + 1] = re * wIm[k] + im * wRe[k];
    }
    return dst;
  };
  return (x) => {
    const fa = transform(timesChirp(x, n, new Float64Array(2 * m)), false);
    for (let i = 0; i < 2 * m; i += 2) {
      const re = fa[i] * fb[i] - fa[i + 1] * fb[i + 1];
      const im = fa[i] * fb[i + 1] + fa[i + 1] * fb[i];
      fa[i] = re;
      fa[i + 1] = im;
    }
    return timesChirp(transform(fa, true), points, new Float64Array(2 * points));
  };
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
