import type { MrsGeometry } from '../core/mrs-data.js';

type V3 = [number, number, number];

/**
 * NIfTI geometry of a voxel grid from DICOM-style orientation: unit vectors of the row and column directions
 * (patient LPS coordinates, as Siemens and DICOM store them), voxel sizes along row, column and slice normal
 * (mm), and the centre of the first voxel (LPS, mm). NIfTI uses RAS, so x and y change sign. The affine goes into
 * both sform and qform (code 1, scanner anatomical); the quaternion follows nifti1.h (Cox et al. 2004).
 */
export function geometryFromOrientation(row: V3, col: V3, sizes: V3, centreLps: V3): MrsGeometry | undefined {
  const r = unit(row);
  const c = unit(col);
  if (
    !r ||
    !c ||
    sizes.some((s) => !(s > 0) || !Number.isFinite(s)) ||
    centreLps.some((x) => !Number.isFinite(x))
  ) {
    return undefined;
  }
  const n = cross(r, c);
  const toRas = (v: V3): V3 => [-v[0], -v[1], v[2]];
  const axes = [toRas(r), toRas(c), toRas(n)];
  const pos = toRas(centreLps);
  const srow: number[] = [];
  for (let i = 0; i < 3; i++)
    srow.push(axes[0][i] * sizes[0], axes[1][i] * sizes[1], axes[2][i] * sizes[2], pos[i]);
  const { quatern, qfac } = rotationToQuaternion(axes);
  return { pixdim: sizes, qformCode: 1, sformCode: 1, quatern, qoffset: pos, qfac, srow };
}

/** Voxel size only, no position (qform_code 0, allowed by NIfTI-MRS for data without a known position). */
export function geometryFromSizes(sizes: V3): MrsGeometry | undefined {
  if (sizes.some((s) => !(s > 0) || !Number.isFinite(s))) return undefined;
  return {
    pixdim: sizes,
    qformCode: 0,
    sformCode: 0,
    quatern: [0, 0, 0],
    qoffset: [0, 0, 0],
    qfac: 1,
    srow: [sizes[0], 0, 0, 0, 0, sizes[1], 0, 0, 0, 0, sizes[2], 0],
  };
}

function unit(v: V3): V3 | undefined {
  const l = Math.hypot(v[0], v[1], v[2]);
  if (!(l > 1e-6) || !Number.isFinite(l)) return undefined;
  return [v[0] / l, v[1] / l, v[2] / l];
}

function cross(a: V3, b: V3): V3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Quaternion (b, c, d) and qfac of a rotation whose COLUMNS are the axes (axes[j] = column j). If the axes
 * form a left-handed system, qfac = -1 and the third column is negated first (nifti1.h convention).
 */
export function rotationToQuaternion(axes: V3[]): { quatern: V3; qfac: number } {
  const R = [0, 1, 2].map((i) => [axes[0][i], axes[1][i], axes[2][i]]);
  const det =
    R[0][0] * (R[1][1] * R[2][2] - R[1][2] * R[2][1]) -
    R[0][1] * (R[1][0] * R[2][2] - R[1][2] * R[2][0]) +
    R[0][2] * (R[1][0] * R[2][1] - R[1][1] * R[2][0]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (let i = 0; i < 3; i++) R[i][2] = -R[i][2];
  // Shepperd's method: pick the largest of the four squared components for accuracy.
  const tr = R[0][0] + R[1][1] + R[2][2];
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  if (tr > 0) {
    const s = 2 * Math.sqrt(tr + 1);
    a = 0.25 * s;
    b = (R[2][1] - R[1][2]) / s;
    c = (R[0][2] - R[2][0]) / s;
    d = (R[1][0] - R[0][1]) / s;
  } else if (R[0][0] > R[1][1] && R[0][0] > R[2][2]) {
    const s = 2 * Math.sqrt(1 + R[0][0] - R[1][1] - R[2][2]);
    a = (R[2][1] - R[1][2]) / s;
    b = 0.25 * s;
    c = (R[0][1] + R[1][0]) / s;
    d = (R[0][2] + R[2][0]) / s;
  } else if (R[1][1] > R[2][2]) {
    const s = 2 * Math.sqrt(1 + R[1][1] - R[0][0] - R[2][2]);
    a = (R[0][2] - R[2][0]) / s;
    b = (R[0][1] + R[1][0]) / s;
    c = 0.25 * s;
    d = (R[1][2] + R[2][1]) / s;
  } else {
    const s = 2 * Math.sqrt(1 + R[2][2] - R[0][0] - R[1][1]);
    a = (R[1][0] - R[0][1]) / s;
    b = (R[0][2] + R[2][0]) / s;
    c = (R[1][2] + R[2][1]) / s;
    d = 0.25 * s;
  }
  if (a < 0) {
    b = -b;
    c = -c;
    d = -d;
  }
  return { quatern: [b, c, d], qfac };
}

/** Rotation matrix (rows) from a NIfTI quaternion (b, c, d), a = sqrt(1 - b^2 - c^2 - d^2), and qfac. */
export function quaternionToRotation(q: V3, qfac: number): number[][] {
  const [b, c, d] = q;
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), qfac * 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, qfac * 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), qfac * (a * a + d * d - c * c - b * b)],
  ];
}
