import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  type RunningServer,
  rangeRequest,
  resolveRequest,
  startWebServer,
  trainingRangeBody,
} from '../../src/web/server.js';
import { readBundle } from '../../src/networks/bundle.js';
import { trainingRange } from '../../src/networks/training-range.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { bundleScript } from '../helpers/bundle.js';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'livermrs-server-'));
  mkdirSync(join(dir, 'web'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'web', 'index.html'), '<!DOCTYPE html><title>t</title>');
  writeFileSync(join(dir, 'web', 'app.js'), 'void 0;');
  writeFileSync(join(dir, 'models', 'qcnn.json'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'no');
  server = await startWebServer({ port: 0, webRoot: join(dir, 'web'), modelsDir: join(dir, 'models') });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web server', () => {
  it('listens on 127.0.0.1 by default, on the port it reports', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves the app with a CSP that only allows this origin', async () => {
    const r = await fetch(server.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
  });

  it("serves onnxruntime-web's wasm from the installed package and model files from --models", async () => {
    const wasm = await fetch(`${server.url}ort/ort-wasm-simd-threaded.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const bytes = new Uint8Array(await wasm.arrayBuffer());
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
    const m = await fetch(`${server.url}models/qcnn.json`);
    expect(await m.text()).toBe('{}');
    expect((await fetch(`${server.url}models/ccnn.json`)).status).toBe(404);
  });

  it("serves each model's training range, computed from its record's cohorts, for the page's check", async () => {
    expect(rangeRequest('/models/qcnn.range.json')).toBe('qcnn');
    expect(rangeRequest('/models/ccnn.range.json')).toBe('ccnn');
    expect(rangeRequest('/models/x.range.json')).toBeUndefined();
    expect(rangeRequest('/qcnn.range.json')).toBeUndefined();
    // A model without a training record: the range is unknown, said as the command line says it.
    const r = await fetch(`${server.url}models/qcnn.range.json`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ range: null, reason: 'the training range of this model is unknown' });
    writeFileSync(join(dir, 'models', 'ccnn.training.json'), '{not json');
    expect(
      ((await (await fetch(`${server.url}models/ccnn.range.json`)).json()) as { reason: string }).reason,
    ).toMatch(/ccnn\.training\.json: not JSON/);
    // The shipped models: the same range as `livermrs quantify` checks against.
    const shipped = join(REPO_ROOT, 'models');
    const want = trainingRange(readBundle(shipped, 'quantify').record);
    expect(want?.cohorts).toEqual(['hbv-lc', 'hbv-lc-hcc']);
    expect(await trainingRangeBody(shipped, 'qcnn')).toEqual({ range: want });
  });

  it('refuses traversal, unknown paths and anything but GET/HEAD', async () => {
    for (const p of [
      '../secret.txt',
      '%2e%2e/secret.txt',
      'models/..%2fsecret.txt',
      'package.json',
      'ort/ort.min.js',
    ])
      expect((await fetch(`${server.url}${p}`)).status, p).toBe(404);
    const post = await fetch(server.url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('maps only whitelisted single names', () => {
    const dirs = { webRoot: '/w', ortDir: '/o', modelsDir: '/m' };
    expect(resolveRequest('/', dirs)).toBe('/w/index.html');
    expect(resolveRequest('/app.js', dirs)).toBe('/w/app.js');
    expect(resolveRequest('/models/qcnn.onnx', dirs)).toBe('/m/qcnn.onnx');
    expect(resolveRequest('/models/a/b.onnx', dirs)).toBeUndefined();
    expect(resolveRequest('/models/.hidden.json', dirs)).toBeUndefined();
    expect(resolveRequest('/models/x.txt', dirs)).toBeUndefined();
    expect(resolveRequest('/../etc/passwd', dirs)).toBeUndefined();
    expect(resolveRequest('/models/qcnn.onnx', { webRoot: '/w', ortDir: '/o' })).toBeUndefined();
  });
});

describe('livermrs serve', () => {
  it('prints its URL (--json), serves, and stops cleanly on Ctrl-C with exit code 0', async () => {
    const script = await bundleScript(
      "import { runCli } from './src/cli/program.ts';\nprocess.exitCode = await runCli(process.argv.slice(2));\n",
      'cli',
    );
    const child = spawn(
      process.execPath,
      [script, 'serve', '--port', '0', '--json', '--models', join(dir, 'models')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LIVERMRS_WEB_ROOT: join(dir, 'web') },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const info = JSON.parse(String(d)) as { url: string; host: string; port: number; models: string };
        expect(info.host).toBe('127.0.0.1');
        expect(info.models).toBe(join(dir, 'models'));
        expect(info.url).toBe(`http://127.0.0.1:${info.port}/`);
        resolve(info.url);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
    expect((await fetch(`${url}models/qcnn.json`)).status).toBe(200);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).toContain('livermrs serve: stopped');
  });

  it('rejects a bad port as a usage error (exit 2)', async () => {
    const script = await bundleScript(
      "import { runCli } from './src/cli/program.ts';\nprocess.exitCode = await runCli(process.argv.slice(2));\n",
      'cli',
    );
    const child = spawn(process.execPath, [script, 'serve', '--port', '70000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('--port: 70000 is above 65535');
  });
});
