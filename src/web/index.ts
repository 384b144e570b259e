/**
 * The browser app: a local server (`livermrs serve`) for a page that reads a spectrum file, prepares it as
 * the networks expect and runs the shipped qCNN/cCNN with onnxruntime-web, all in the browser. app/ is the
 * page (bundled by build.ts with esbuild); preprocess.ts is its file → FID step.
 */
export { buildWebApp } from './build.js';
export { type CombinedFid, combineFids } from './preprocess.js';
export { startWebServer, type RunningServer, type WebServerOptions } from './server.js';
