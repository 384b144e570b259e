/** JSON with non-finite numbers as null and typed arrays as plain arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (v instanceof Float64Array || v instanceof Float32Array)
        return Array.from(v, (x) => (Number.isFinite(x) ? x : null));
      return v;
    },
    2,
  );
}
