/**
 * The deep-learning engine (docs/engine.md): networks described once as data (spec.ts), trained and run on
 * libtorch through the project's N-API addon (engine.ts, trainer.ts), saved and loaded, and exported to ONNX
 * (onnx/) for onnxruntime-node, onnxruntime-web and Python.
 */
export {
  createNetwork,
  type LossValue,
  loadNetwork,
  type McDropoutOptions,
  type McDropoutResult,
  Network,
  type NetworkOptions,
  networkFromBytes,
  type OptimizerConfig,
  type PredictOptions,
  type TrainingConfig,
} from './engine.js';
export { decodeNetworkFile, encodeNetworkFile, type NetworkFile } from './file.js';
export type { LossTermSpec } from './loss.js';
export { engineInfo, type StateTensor } from './native.js';
export { exportOnnx, ONNX_INPUT, ONNX_OPSET, type OnnxExportOptions } from './onnx/export.js';
export { learningRateAt, type ScheduleSpec } from './schedule.js';
export { checkInput, type ResolvedLayer, type ResolvedNetwork, resolveNetwork } from './shapes.js';
export * from './spec.js';
export {
  type Batch,
  type EpochReport,
  type TrainOptions,
  type TrainResult,
  trainNetwork,
} from './trainer.js';
