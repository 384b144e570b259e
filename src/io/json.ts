/**
 * JSON text of results (results.json, metrics.json, --json): non-finite numbers as null (JSON has no
 * NaN) and typed arrays as plain arrays. One writer for fit, quantify, classify and study.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  );
}
