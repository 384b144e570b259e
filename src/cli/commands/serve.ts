import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../web/build.js';
import { DEFAULT_PORT } from '../../web/server.js';
import { addExamples } from '../help.js';
import { parseNumber } from '../options.js';

interface ServeOptions {
  port: number;
  host: string;
  models?: string;
  isolate?: boolean;
  json?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `livermrs serve`: the local browser app (src/web). Runs until Ctrl-C. */
export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      'Serve the browser app on this machine: drop a spectrum, see it with the qCNN concentrations and the cCNN ' +
        'probability of LC-HCC, all computed in the browser (no spectrum leaves the machine)',
    )
    .option(
      '--port <n>',
      'port (0: any free port)',
      parseNumber('--port', { min: 0, max: 65535, integer: true }),
      DEFAULT_PORT,
    )
    .option(
      '--host <address>',
      'interface to listen on; anything but loopback exposes the app to the network',
      '127.0.0.1',
    )
    .option(
      '--models <dir>',
      'directory with qcnn.onnx/.json and ccnn.onnx/.json (default: the package models/)',
    )
    .option('--isolate', 'send cross-origin isolation headers so onnxruntime-web may use several threads')
    .option('--json', 'print {"url", "host", "port", "models"} as one JSON line instead of the bare URL')
    .action(async (opts: ServeOptions) => {
      const { startWebServer } = await import('../../web/server.js');
      const bundled = join(packageRoot(), 'models');
      const modelsDir = opts.models ? resolve(opts.models) : existsSync(bundled) ? bundled : undefined;
      const server = await startWebServer({
        port: opts.port,
        host: opts.host,
        modelsDir,
        isolate: opts.isolate,
      });
      const err = process.stderr;
      if (!LOOPBACK.has(opts.host))
        err.write(`livermrs serve: warning: listening on ${opts.host}: other machines can open this page\n`);
      if (!modelsDir)
        err.write(
          'livermrs serve: no models directory: the page will show spectra only (use --models DIR)\n',
        );
      else err.write(`livermrs serve: models from ${modelsDir}\n`);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ url: server.url, host: server.host, port: server.port, models: modelsDir ?? null })}\n`
          : `${server.url}\n`,
      );
      err.write('livermrs serve: press Ctrl-C to stop\n');
      await new Promise<void>((done) => {
        const stop = () => {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
          void server.close().then(() => {
            err.write('livermrs serve: stopped\n');
            done();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  addExamples(cmd, [
    ['livermrs serve', 'serve on http://127.0.0.1:8417/ with the installed models'],
    ['livermrs serve --port 0 --models ./my-models', 'any free port, models from ./my-models'],
  ]);
}
