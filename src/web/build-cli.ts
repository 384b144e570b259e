/** `node dist/src/web/build-cli.js` (the last step of `npm run build`): bundles the browser app into dist/web. */
import { buildWebApp } from './build.js';

const { outDir, bytes } = await buildWebApp();
process.stdout.write(`web app built into ${outDir} (${(bytes / 1e6).toFixed(1)} MB with source maps)\n`);
