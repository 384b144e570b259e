import { ProtoMessage } from './protobuf.js';

/**
 * ONNX graph building on top of the protobuf encoder: tensors, nodes with attributes, typed inputs and outputs, and
 * the model wrapper. Field numbers follow onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
 */

const FLOAT = 1;
const INT64 = 7;

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

export type AttributeValue = number | string | readonly number[] | { float: number };

/** A named attribute: an integer (`1`), a float (`{ float: 0.5 }`), a string or an integer list. */
export type Attributes = Record<string, AttributeValue>;

function attribute(name: string, value: AttributeValue): ProtoMessage {
  const a = new ProtoMessage().string(1, name);
  if (typeof value === 'number') return a.int(3, value).int(20, ATTR_INT);
  if (typeof value === 'string') return a.string(4, value).int(20, ATTR_STRING);
  if ('float' in value) return a.float(2, value.float).int(20, ATTR_FLOAT);
  return a.ints(8, value).int(20, ATTR_INTS);
}

/** Dimension: a fixed size or a symbolic name (dynamic, e.g. 'batch'). */
export type Dim = number | string;

function valueInfo(name: string, dims: readonly Dim[]): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of dims) {
    shape.message(1, typeof d === 'number' ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
  }
  const tensorType = new ProtoMessage().int(1, FLOAT).message(2, shape);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

export class OnnxGraph {
  private readonly nodes: ProtoMessage[] = [];
  private readonly initializers: ProtoMessage[] = [];
  private readonly inputs: ProtoMessage[] = [];
  private readonly outputs: ProtoMessage[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<number, string>();
  private counter = 0;

  /** A name not used before, from a readable stem. */
  fresh(stem: string): string {
    let name = stem;
    while (this.used.has(name)) name = `${stem}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Keeps `name` from being handed out by {@link fresh} (for output names chosen by the caller). */
  reserve(name: string): void {
    this.used.add(name);
  }

  input(name: string, dims: readonly Dim[]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  output(name: string, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 initializer (weights are stored little-endian in raw_data). */
  floatTensor(stem: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(stem);
    const t = new ProtoMessage().ints(1, dims).int(2, FLOAT).string(8, name);
    t.bytes(9, new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    this.initializers.push(t);
    return name;
  }

  int64Tensor(stem: string, values: readonly number[]): string {
    const name = this.fresh(stem);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => {
      view.setBigInt64(i * 8, BigInt(v), true);
    });
    this.initializers.push(
      new ProtoMessage().int(1, values.length).int(2, INT64).string(8, name).bytes(9, raw),
    );
    return name;
  }

  /** A shared float scalar constant. */
  scalar(value: number): string {
    const known = this.constants.get(value);
    if (known) return known;
    const name = this.floatTensor(
      `const_${String(value).replace(/[^0-9a-z]/gi, '_')}`,
      [],
      Float32Array.of(value),
    );
    this.constants.set(value, name);
    return name;
  }

  /** Adds a node; returns its (single) output name, fresh from `stem`. */
  node(op: string, inputs: readonly string[], stem: string, attrs: Attributes = {}, output?: string): string {
    const out = output ?? this.fresh(stem);
    const n = new ProtoMessage();
    for (const i of inputs) n.string(1, i);
    n.string(2, out)
      .string(3, this.fresh(`${stem}/${op}`))
      .string(4, op);
    for (const [k, v] of Object.entries(attrs)) n.message(5, attribute(k, v));
    this.nodes.push(n);
    return out;
  }

  /** GraphProto. */
  encode(name: string): ProtoMessage {
    const g = new ProtoMessage();
    for (const n of this.nodes) g.message(1, n);
    g.string(2, name);
    for (const t of this.initializers) g.message(5, t);
    for (const i of this.inputs) g.message(11, i);
    for (const o of this.outputs) g.message(12, o);
    return g;
  }
}

export interface ModelInfo {
  opset: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata: Record<string, string>;
}

/** ModelProto bytes. */
export function encodeModel(graph: OnnxGraph, graphName: string, info: ModelInfo): Uint8Array {
  const m = new ProtoMessage()
    .int(1, info.irVersion)
    .string(2, info.producerName)
    .string(3, info.producerVersion);
  if (info.docString) m.string(6, info.docString);
  m.message(7, graph.encode(graphName));
  m.message(8, new ProtoMessage().string(1, '').int(2, info.opset));
  for (const [k, v] of Object.entries(info.metadata)) {
    m.message(14, new ProtoMessage().string(1, k).string(2, v));
  }
  return m.finish();
}
