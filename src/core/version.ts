/** The livermrs version, written into NIfTI-MRS provenance (kept equal to package.json by a test). */
export const LIVERMRS_VERSION = '0.1.0';
