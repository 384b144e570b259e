/** Benchmarks by name. Each concern adds its own module here. */
export const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {
  basis: async () => (await import('./basis.js')).run(),
};
