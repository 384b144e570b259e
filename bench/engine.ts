/**
 * `npm run bench engine`: training and inference throughput of the reference network, a 1-D CNN of the qCNN's size
 * (REFERENCE_SPEC: 4 convolutions, ~176k parameters, input 2 × 1024, batch 64) on the livermrs engine (libtorch through
 * the addon), on PyTorch (Debian's python3-torch running the identical network, data shape, optimiser and thread
 * count, in a child process) and, for inference, on onnxruntime-node with the exported model. Rounds alternate
 * between the engines so that load from other processes affects them alike; medians are reported.
 * Floors (issue 5): training ≥ 0.9 × PyTorch; inference ≥ 2,000 samples/s.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Rng } from '../src/core/random.js';
import { createNetwork, engineInfo, type Network, type NetworkSpec } from '../src/nn/index.js';
import { toNativeSpec } from '../src/nn/native.js';

/** The reference network: 4 × (conv k7 stride 2 → batch norm → ReLU), average pool to 4, MLP to 20 outputs. */
export const REFERENCE_SPEC: NetworkSpec = {
  input: { channels: 2, length: 1024 },
  layers: [
    ...[32, 64, 96, 128].flatMap((channels) => [
      { type: 'conv1d' as const, channels, kernel: 7, stride: 2, padding: 3 },
      { type: 'batchnorm1d' as const },
      { type: 'activation' as const, fn: 'relu' as const },
    ]),
    { type: 'adaptive_avgpool1d', size: 4 },
    { type: 'flatten' },
    { type: 'linear', features: 59 },
    { type: 'activation', fn: 'relu' },
  ],
  heads: [{ name: 'amplitudes', layers: [{ type: 'linear', features: 20 }] }],
};

const BATCH = 64;
const OUTPUTS = 20;
const ROUNDS = 10;
const TRAIN_STEPS = 5;
const INFER_BATCHES = 16;
const LR = 1e-3;
const WEIGHT_DECAY = 1e-2;
const CLIP = 1;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function findScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'bench', 'engine_pytorch.py');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('bench/engine_pytorch.py not found');
    dir = up;
  }
}

/** The PyTorch child process, driven line by line (see bench/engine_pytorch.py). */
class PyTorch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(python: string, threads: number) {
    this.child = spawn(python, [findScript()], {
      env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' },
    });
    this.child.stderr.on('data', (d) => process.stderr.write(d));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }
  async ask(message: object): Promise<Record<string, number | string>> {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error('the PyTorch process ended');
    return JSON.parse(r.value);
  }
  close(): void {
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function measure(threads: number, python: string) {
  const net: Network = createNetwork(REFERENCE_SPEC, { seed: 1, threads });
  const rng = new Rng(1);
  const x = Float32Array.from({ length: BATCH * 2 * 1024 }, () => rng.normal());
  const y = Float32Array.from({ length: BATCH * OUTPUTS }, () => rng.normal());
  const shape = [BATCH, 2, 1024];
  net.configureTraining({
    loss: [{ kind: 'mse', head: 'amplitudes' }],
    optimizer: { lr: LR, weightDecay: WEIGHT_DECAY },
    clipGradNorm: CLIP,
  });
  const session = await ort.InferenceSession.create(net.toOnnx(), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { input: new ort.Tensor('float32', x, shape) };
  const py = new PyTorch(python, threads);
  const setup = await py.ask({
    cmd: 'setup',
    spec: toNativeSpec(net.resolved),
    threads,
    batch: BATCH,
    channels: 2,
    length: 1024,
    head: 'amplitudes',
    outputs: OUTPUTS,
    lr: LR,
    weightDecay: WEIGHT_DECAY,
    clip: CLIP,
  });
  const train = async (steps: number) => {
    for (let i = 0; i < steps; i++) await net.trainBatch(x, shape, { amplitudes: y });
  };
  const infer = async (batches: number) => {
    for (let i = 0; i < batches; i++) await net.predict(x, shape, { batchSize: BATCH });
  };
  const ortInfer = async (batches: number) => {
    for (let i = 0; i < batches; i++) await session.run(feeds);
  };
  // warm-up: allocator, oneDNN primitive caches, thread pools
  await train(3);
  await infer(5);
  await ortInfer(5);
  await py.ask({ cmd: 'train', steps: 3 });
  await py.ask({ cmd: 'infer', batches: 5 });
  const s = {
    torchTrain: [] as number[],
    pyTrain: [] as number[],
    torchInfer: [] as number[],
    pyInfer: [] as number[],
    ortInfer: [] as number[],
  };
  // Each round times every engine once, back to back, in an order that alternates between rounds; the ratio to
  // PyTorch is the median of the per-round ratios, so load from other processes that drifts over seconds cancels.
  const pyTrain = async () =>
    (TRAIN_STEPS * BATCH) / Number((await py.ask({ cmd: 'train', steps: TRAIN_STEPS })).seconds);
  const pyInfer = async () =>
    (INFER_BATCHES * BATCH) / Number((await py.ask({ cmd: 'infer', batches: INFER_BATCHES })).seconds);
  const torchTrain = async () => (TRAIN_STEPS * BATCH) / (await timed(() => train(TRAIN_STEPS)));
  const torchInfer = async () => (INFER_BATCHES * BATCH) / (await timed(() => infer(INFER_BATCHES)));
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      s.torchTrain.push(await torchTrain());
      s.pyTrain.push(await pyTrain());
      s.torchInfer.push(await torchInfer());
      s.pyInfer.push(await pyInfer());
    } else {
      s.pyTrain.push(await pyTrain());
      s.torchTrain.push(await torchTrain());
      s.pyInfer.push(await pyInfer());
      s.torchInfer.push(await torchInfer());
    }
    s.ortInfer.push((INFER_BATCHES * BATCH) / (await timed(() => ortInfer(INFER_BATCHES))));
  }
  py.close();
  await session.release();
  const round1 = (v: number) => Math.round(v);
  const result = {
    threads,
    parameters: { livermrs: net.parameterCount, pytorch: Number(setup.parameters) },
    trainSamplesPerSecond: { livermrs: round1(median(s.torchTrain)), pytorch: round1(median(s.pyTrain)) },
    inferenceSamplesPerSecond: {
      livermrs: round1(median(s.torchInfer)),
      pytorch: round1(median(s.pyInfer)),
      onnxruntimeNode: round1(median(s.ortInfer)),
    },
    trainRatioToPytorch: Number(median(s.torchTrain.map((v, i) => v / s.pyTrain[i])).toFixed(3)),
    inferenceRatioToPytorch: Number(median(s.torchInfer.map((v, i) => v / s.pyInfer[i])).toFixed(3)),
    rounds: s,
  };
  for (const k of Object.keys(s) as (keyof typeof s)[]) s[k] = s[k].map(round1);
  process.stderr.write(
    `engine: ${threads} thread(s): train ${result.trainSamplesPerSecond.livermrs} vs PyTorch ${result.trainSamplesPerSecond.pytorch} samples/s (×${result.trainRatioToPytorch}); ` +
      `inference ${result.inferenceSamplesPerSecond.livermrs} (PyTorch ${result.inferenceSamplesPerSecond.pytorch}, onnxruntime ${result.inferenceSamplesPerSecond.onnxruntimeNode})\n`,
  );
  return { result, pytorchVersion: String(setup.torch) };
}

export async function run(): Promise<Record<string, unknown>> {
  const python = process.env.LIVERMRS_BENCH_PYTHON ?? '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      `engine: the PyTorch comparison needs ${python} with torch (Debian: apt-get install python3-torch; ` +
        'or set LIVERMRS_BENCH_PYTHON)',
    );
  }
  const net = createNetwork(REFERENCE_SPEC, { seed: 1 });
  process.stderr.write(`engine: reference network, ${net.parameterCount} parameters\n`);
  const byThreads = [];
  let pytorchVersion = '';
  for (const threads of [1, 2]) {
    const m = await measure(threads, python);
    byThreads.push(m.result);
    pytorchVersion = m.pytorchVersion;
  }
  const floors = byThreads.map((r) => ({
    threads: r.threads,
    trainAtLeast0_9OfPytorch: r.trainRatioToPytorch >= 0.9,
    inferenceAtLeast2000: r.inferenceSamplesPerSecond.livermrs >= 2000,
  }));
  return {
    network: 'reference 1-D CNN (bench/engine.ts REFERENCE_SPEC)',
    parameters: net.parameterCount,
    input: [BATCH, 2, 1024],
    batch: BATCH,
    optimizer: { kind: 'AdamW', lr: LR, weightDecay: WEIGHT_DECAY, clipGradNorm: CLIP, loss: 'mse' },
    libtorch: engineInfo().torchVersion,
    pytorch: pytorchVersion,
    onnxruntimeNode: ort.env.versions.node ?? ort.env.versions.common,
    method:
      `${ROUNDS} rounds, each timing every engine back to back in alternating order (${TRAIN_STEPS} training steps, ` +
      `${INFER_BATCHES} inference batches of ${BATCH}); throughput = median over rounds, ratio = median of per-round ratios`,
    results: byThreads,
    floors,
  };
}
