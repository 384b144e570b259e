import FFT from 'fft.js';
import { fft, isPowerOfTwo } from '../spectra/fft.js';

/**
 * A forward FFT of fixed length with its own buffers, for the fitter's inner loop: the caller fills `input`
 * (the first 2·points entries; the zero-filled tail stays zero unless the caller writes it) and reads
 * `output`, in plain fft order (not fftshifted). Power-of-two lengths run fft.js without allocating; other
 * lengths fall back to the library's Bluestein transform.
 */
export class FftWork {
  readonly size: number;
  readonly input: Float64Array;
  output: Float64Array;
  private readonly plan: FFT | null;

  constructor(size: number) {
    this.size = size;
    this.input = new Float64Array(2 * size);
    this.output = new Float64Array(2 * size);
    this.plan = isPowerOfTwo(size) ? new FFT(size) : null;
  }

  forward(): Float64Array {
    if (this.plan) {
      this.plan.transform(this.output as unknown as number[], this.input as unknown as number[]);
    } else {
      this.output = fft(this.input);
    }
    return this.output;
  }
}
