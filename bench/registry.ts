/** Benchmarks by name. Each concern adds its own module here. */
export const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {
  simulate: () => import('./simulate.js').then((m) => m.run()),
};
