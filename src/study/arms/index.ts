import type { ArmName, StudyArm } from './arm.js';
import { ccnnArm } from './ccnn.js';
import { nllsRegressionArm } from './nlls-regression.js';
import { oracleArm } from './oracle.js';
import { qcnnRegressionArm } from './qcnn-regression.js';
import { spectralBoundArm } from './spectral-bound.js';

export type { ArmContext, ArmName, ArmScores, StudyArm, TrainingContext } from './arm.js';

/** The study's arms, in the order of every table and figure. */
export const STUDY_ARMS: readonly StudyArm[] = [
  ccnnArm,
  nllsRegressionArm,
  qcnnRegressionArm,
  spectralBoundArm,
  oracleArm,
];

export const ARMS: ArmName[] = STUDY_ARMS.map((a) => a.name);
/** Short names for figure axes. */
export const ARM_SHORT = Object.fromEntries(STUDY_ARMS.map((a) => [a.name, a.short])) as Record<
  ArmName,
  string
>;
export const ARM_LABELS = Object.fromEntries(STUDY_ARMS.map((a) => [a.name, a.label])) as Record<
  ArmName,
  string
>;
