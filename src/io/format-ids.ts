/**
 * The ids of the readers in io/read.ts (READERS holds one reader per id, in this order), the sample types of the
 * NIfTI-MRS writer and the basis-set formats, in a module of their own so that the CLI can list and check them
 * without loading every reader or writer.
 */
export const FORMAT_IDS = [
  'nifti-mrs',
  'siemens-rda',
  'siemens-dicom',
  'philips-sdat',
  'ge-pfile',
  'jmrui-text',
  'lcmodel-raw',
  'text-columns',
] as const;

export type FormatId = (typeof FORMAT_IDS)[number];

/** The NIfTI-MRS sample types the writer takes (io/nifti-mrs/nifti-mrs.ts `encodeNiftiMrs`). */
export const NIFTI_DATA_TYPES = ['complex64', 'complex128'] as const;
export type NiftiDataType = (typeof NIFTI_DATA_TYPES)[number];

/** The basis-set formats written: livermrs JSON, LCModel .BASIS, FSL-MRS folder. */
export const BASIS_FORMATS = ['json', 'lcmodel', 'fsl'] as const;
export type BasisFormat = (typeof BASIS_FORMATS)[number];
