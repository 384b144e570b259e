/** Benchmarks by name. Each concern adds its own module here. */
export const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {};
benchmarks.engine = () => import('./engine.js').then((m) => m.run());
