/** Benchmarks by name. Each concern adds its own module here. */
export const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {
  io: async () => (await import('./io.js')).run(),
};
