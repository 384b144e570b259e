import { LIVER_COMPONENTS } from '../../src/physics/basis.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassifyModelMetadata, QuantifyModelMetadata } from '../../src/networks/contract.js';
import { linearOnnx, patternWeights } from './linear-onnx.js';

/** The 20 liver components of the paper's model (15 metabolites, 5 lipid groups; src/physics/basis.ts). */
export const COMPONENTS: string[] = [...LIVER_COMPONENTS];

const PREP = {
  ppmRange: [0.5, 5.7] as [number, number],
  points: 96,
  channels: ['real', 'imag'] as ('real' | 'imag')[],
  normalisation: 'max-magnitude' as const,
};

/** Linear stand-ins for the qCNN and cCNN with known weights (so the expected outputs can be computed). */
export function testModels() {
  const n = PREP.channels.length * PREP.points;
  const k = COMPONENTS.length;
  const qMean = {
    name: 'mean',
    weight: patternWeights(k, n, 0.05),
    bias: Float32Array.from(COMPONENTS, (_, i) => 1 + 0.1 * i),
  };
  const qLogvar = {
    name: 'logvar',
    weight: patternWeights(k, n, 0.01, 1),
    bias: Float32Array.from(COMPONENTS, () => -3),
  };
  const cLogit = { name: 'logit', weight: patternWeights(1, n, 0.2, 2), bias: Float32Array.from([0.3]) };
  const qMeta: QuantifyModelMetadata = {
    format: 'livermrs-model',
    version: 1,
    task: 'quantify',
    name: 'test qCNN (linear stand-in)',
    input: { name: 'input' },
    preprocessing: PREP,
    components: COMPONENTS,
    heads: { mean: 'mean', logvar: 'logvar' },
    targets: { unit: 'mmol/kg', scale: COMPONENTS.map(() => 2), offset: COMPONENTS.map((_, i) => i % 3) },
  };
  const cMeta: ClassifyModelMetadata = {
    format: 'livermrs-model',
    version: 1,
    task: 'classify',
    name: 'test cCNN (linear stand-in)',
    input: { name: 'input' },
    preprocessing: PREP,
    classes: ['LC', 'LC-HCC'],
    heads: { logit: 'logit' },
  };
  return { qMean, qLogvar, cLogit, qMeta, cMeta };
}

/** Writes qcnn.onnx/.json and ccnn.onnx/.json into `dir`. */
export function writeTestModels(dir: string): ReturnType<typeof testModels> {
  const m = testModels();
  mkdirSync(dir, { recursive: true });
  const { channels, points } = m.qMeta.preprocessing;
  writeFileSync(join(dir, 'qcnn.onnx'), linearOnnx(channels.length, points, [m.qMean, m.qLogvar]));
  writeFileSync(join(dir, 'qcnn.json'), JSON.stringify(m.qMeta, null, 2));
  writeFileSync(join(dir, 'ccnn.onnx'), linearOnnx(channels.length, points, [m.cLogit]));
  writeFileSync(join(dir, 'ccnn.json'), JSON.stringify(m.cMeta, null, 2));
  return m;
}
