/**
 * The analysis pipelines as library calls, one per job of the command line: analyseFile (a metabolite fit or a
 * water–fat fit of one spectrum or a multi-echo series, chosen from the data), quantifyFile and classifyFile (the
 * qCNN and cCNN with a model bundle). Each reads its input once (a path, or bytes and a name), returns a typed
 * result with its status and reasons, and leaves rendering to src/report/ (analysisFiles gives the files as text).
 * convertFile turns any format into NIfTI-MRS, optionally preprocessed and anonymised; simulateBasisRequest
 * simulates the basis of a protocol given by options, a data file's header or an FSL-MRS sequence file.
 */
export * from './analyse-file.js';
export * from './basis-protocol.js';
export * from './basis-simulation.js';
export * from './batch.js';
export * from './convert-file.js';
export * from './fit-request.js';
export * from './input.js';
export * from './metabolite-fit.js';
export * from './networks.js';
export * from './options.js';
export * from './outputs.js';
export * from './results-json.js';
export * from './results-schema.js';
export * from './water-fat.js';
export * from './write-outputs.js';
