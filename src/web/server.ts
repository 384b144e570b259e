import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { LivermrsError, UsageError } from '../core/errors.js';
import { packageRoot } from './build.js';

/**
 * The local web server of `livermrs serve`: static files only, GET/HEAD only, no uploads. It serves
 *   /             the app (index.html, app.js, style.css from the built dist/web)
 *   /ort/<file>   onnxruntime-web's WebAssembly files from the installed package (no CDN)
 *   /models/<f>   *.onnx and *.json files of the models directory
 *   /models/<stem>.range.json   the training range of model <stem> (qcnn, ccnn), computed here from its
 *                 training record's cohorts (networks/training-range.ts): the page checks each spectrum against
 *                 it as the command line does, without sending the spectrum anywhere
 * Every response carries a Content-Security-Policy that lets the page talk only to this server, so the
 * browser itself refuses to send a spectrum anywhere else.
 */
export interface WebServerOptions {
  /** Port (default 8417; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Directory with qcnn.onnx/qcnn.json and ccnn.onnx/ccnn.json (see networks/contract.ts). */
  modelsDir?: string;
  /** Built app directory (default $LIVERMRS_WEB_ROOT, else <package>/dist/web). */
  webRoot?: string;
  /** Send COOP/COEP headers so the page is cross-origin isolated and onnxruntime may use threads. */
  isolate?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8417;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The directory of onnxruntime-web's dist files (its .wasm and .mjs loaders). */
export function ortDistDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
}

const APP_FILES = new Set(['index.html', 'app.js', 'app.js.map', 'style.css']);
const ORT_FILE = /^ort-wasm-simd-threaded(\.jsep|\.jspi|\.asyncify)?\.(wasm|mjs)$/;
const MODEL_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(onnx|json)$/;

/** Maps a URL path to a file on disk, or undefined (404). Only single, whitelisted names: no traversal. */
export function resolveRequest(
  pathname: string,
  dirs: { webRoot: string; ortDir: string; modelsDir?: string },
): string | undefined {
  const parts = pathname.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p.includes('\\') || p.includes('\0'))) return undefined;
  if (parts.length === 0) return join(dirs.webRoot, 'index.html');
  if (parts.length === 1 && APP_FILES.has(parts[0])) return join(dirs.webRoot, parts[0]);
  if (parts.length === 2 && parts[0] === 'ort' && ORT_FILE.test(parts[1])) return join(dirs.ortDir, parts[1]);
  if (parts.length === 2 && parts[0] === 'models' && dirs.modelsDir && MODEL_FILE.test(parts[1]))
    return join(dirs.modelsDir, parts[1]);
  return undefined;
}

const RANGE_FILE = /^(qcnn|ccnn)\.range\.json$/;

/** The model stem whose training range a URL path asks for, or undefined. */
export function rangeRequest(pathname: string): 'qcnn' | 'ccnn' | undefined {
  const parts = pathname.split('/').filter((p) => p.length > 0);
  const m = parts.length === 2 && parts[0] === 'models' ? RANGE_FILE.exec(parts[1]) : null;
  return m ? (m[1] as 'qcnn' | 'ccnn') : undefined;
}

/**
 * What /models/<stem>.range.json answers: the range, or null and why not (no training record, a record without
 * built-in cohorts, an unreadable record). The page then says the range is unknown, as the command line does.
 */
export async function trainingRangeBody(
  modelsDir: string,
  stem: 'qcnn' | 'ccnn',
): Promise<{ range: unknown; reason?: string }> {
  const file = join(modelsDir, `${stem}.training.json`);
  if (!existsSync(file)) return { range: null, reason: 'the training range of this model is unknown' };
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { range: null, reason: `${file}: not JSON (${(err as Error).message})` };
  }
  const { trainingRange } = await import('../networks/training-range.js');
  const range = trainingRange(record as Parameters<typeof trainingRange>[0]);
  return range ? { range } : { range: null, reason: 'the training range of this model is unknown' };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}

/** Starts the server; resolves when it listens. */
export async function startWebServer(opts: WebServerOptions = {}): Promise<RunningServer> {
  const webRoot = opts.webRoot ?? process.env.LIVERMRS_WEB_ROOT ?? join(packageRoot(), 'dist', 'web');
  if (!existsSync(join(webRoot, 'index.html')) || !existsSync(join(webRoot, 'app.js'))) {
    throw new LivermrsError(`${webRoot}: the web app is not built (run npm run build)`);
  }
  if (opts.modelsDir && !(existsSync(opts.modelsDir) && statSync(opts.modelsDir).isDirectory())) {
    throw new UsageError(`--models: '${opts.modelsDir}' is not a directory`);
  }
  const dirs = { webRoot, ortDir: ortDistDir(), modelsDir: opts.modelsDir };
  const headers: Record<string, string> = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (opts.isolate) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'method not allowed\n');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      send(res, 400, 'bad request\n');
      return;
    }
    const stem = rangeRequest(pathname);
    if (stem && dirs.modelsDir) {
      void trainingRangeBody(dirs.modelsDir, stem).then(
        (r) => {
          const body = Buffer.from(`${JSON.stringify(r)}\n`);
          res.writeHead(200, { 'Content-Type': MIME['.json'], 'Content-Length': body.length });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err: Error) => send(res, 500, `${err.message}\n`),
      );
      return;
    }
    const file = resolveRequest(pathname, dirs);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      send(res, 404, 'not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(
              `--port: port ${opts.port ?? DEFAULT_PORT} on ${host} is in use (choose another, or 0 for any free port)`,
            )
          : new LivermrsError(`cannot listen on ${host}: ${err.message}`, { cause: err }),
      ),
    );
    server.listen(opts.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
