/**
 * The choices and defaults of training a network from cohorts (`livermrs train`, trainFromCohorts), each defined
 * once. This module has no runtime import, so the command line takes its help and checks from here at
 * start-up.
 */
export const NETWORK_KINDS = ['qcnn', 'ccnn'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];
/** qCNN: one network for all components, or one per component. */
export const QCNN_LAYOUTS = ['joint', 'per-component'] as const;
/** Every spectrum framed on the 1.3 ppm lipid peak before the network, or not. */
export const CANONICAL_FRAMES = ['lipid-peak', 'none'] as const;

export const TRAIN_DEFAULTS = Object.freeze({
  spectra: 200_000,
  epochs: 8,
  validation: 4000,
  seed: 1,
  architecture: 'deep',
  layout: QCNN_LAYOUTS[0],
  members: 1,
  threads: 1,
  simThreads: 1,
  realism: 'typical',
  canonical: CANONICAL_FRAMES[0],
} as const);
