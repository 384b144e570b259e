/**
 * Minimal ONNX writer for tests: a linear model input [batch, C, L] -> Flatten -> Gemm per head, written as
 * protobuf by hand (field numbers from onnx.proto). Enough to prove the web app's plumbing (fetch, session,
 * tensor layout, output names, post-processing) until the trained qCNN/cCNN exist. Replace with src/nn's
 * exportOnnx when it lands on main.
 */
class Proto {
  private readonly chunks: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.chunks.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.chunks.push(Number(x));
  }

  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  msg(field: number, m: Proto): this {
    return this.bytes(field, m.encode());
  }

  encode(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function valueInfo(name: string, dims: (number | string)[]): Proto {
  const shape = new Proto();
  for (const d of dims)
    shape.msg(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().string(2, d));
  const tensor = new Proto().int(1, 1).msg(2, shape);
  return new Proto().string(1, name).msg(2, new Proto().msg(1, tensor));
}

function floatTensor(name: string, dims: number[], data: Float32Array): Proto {
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  return t
    .int(2, 1)
    .string(8, name)
    .bytes(9, new Uint8Array(data.buffer.slice(0)));
}

export interface LinearHead {
  name: string;
  /** Row-major [outputs, C*L]. */
  weight: Float32Array;
  bias: Float32Array;
}

/** An ONNX model computing head_k = Flatten(input) · W_kᵀ + b_k for each head (opset 17). */
export function linearOnnx(channels: number, points: number, heads: LinearHead[]): Uint8Array {
  const graph = new Proto().string(2, 'tiny_linear');
  graph.msg(
    1,
    new Proto()
      .string(1, 'input')
      .string(2, 'flat')
      .string(3, 'flatten')
      .string(4, 'Flatten')
      .msg(5, new Proto().string(1, 'axis').int(3, 1).int(20, 2)),
  );
  for (const h of heads) {
    const k = h.bias.length;
    graph.msg(5, floatTensor(`${h.name}_W`, [k, channels * points], h.weight));
    graph.msg(5, floatTensor(`${h.name}_b`, [k], h.bias));
    graph.msg(
      1,
      new Proto()
        .string(1, 'flat')
        .string(1, `${h.name}_W`)
        .string(1, `${h.name}_b`)
        .string(2, h.name)
        .string(3, `gemm_${h.name}`)
        .string(4, 'Gemm')
        .msg(5, new Proto().string(1, 'transB').int(3, 1).int(20, 2)),
    );
  }
  graph.msg(11, valueInfo('input', ['batch', channels, points]));
  for (const h of heads) graph.msg(12, valueInfo(h.name, ['batch', h.bias.length]));
  return new Proto()
    .int(1, 8)
    .string(2, 'livermrs-test')
    .msg(7, graph)
    .msg(8, new Proto().string(1, '').int(2, 17))
    .encode();
}

/** Deterministic weights: a smooth pattern per output row, scaled. */
export function patternWeights(rows: number, cols: number, scale: number, phase = 0): Float32Array {
  const w = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) w[r * cols + c] = scale * Math.sin(0.37 * (r + 1) + 0.051 * c + phase);
  return w;
}

/** y = W x + b in double precision (the expected answer). */
export function applyLinear(w: Float32Array, b: Float32Array, x: Float32Array): number[] {
  const k = b.length;
  const n = x.length;
  return Array.from({ length: k }, (_, r) => {
    let s = b[r];
    for (let c = 0; c < n; c++) s += w[r * n + c] * x[c];
    return s;
  });
}
