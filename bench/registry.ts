/** Benchmarks by name. Each concern adds its own module here. */
import { run as fit } from './fit.js';

export const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = { fit };
