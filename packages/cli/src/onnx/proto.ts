import onnxProto from 'onnx-proto';

/** The ONNX protobuf classes (protobufjs static code generated from the official onnx.proto). */
export const { onnx } = onnxProto;

type Int64 = number | { toNumber(): number };

/*
 * Decoded protobufjs messages carry every field (defaults live on the prototype), but the generated
 * typings mark all of them optional. These are the fields we use, as they really are after decode.
 */
export interface Attribute {
  name: string;
  type: number;
  i: Int64;
  f: number;
  s: Uint8Array;
  ints: Int64[];
  g?: Graph | null;
}
export interface Node {
  opType: string;
  name: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}
export interface Tensor {
  name: string;
  dataType: number;
  dims: Int64[];
  rawData: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: Int64[];
  doubleData: number[];
}
export interface ValueInfo {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: Int64; dimParam?: string }[] } } } | null;
}
export interface Graph {
  name: string;
  node: Node[];
  initializer: Tensor[];
  input: ValueInfo[];
  output: ValueInfo[];
}
export interface OpsetId {
  domain: string;
  version: Int64;
}
export interface Model {
  irVersion: Int64;
  producerName: string;
  opsetImport: OpsetId[];
  graph: Graph | null;
  /** ModelProto.metadata_props: free-form key/value pairs (e.g. `ko-classify optimize`'s mark). */
  metadataProps?: { key: string; value: string }[];
}

export const DataType = onnx.TensorProto.DataType;

export function decodeModel(bytes: Uint8Array): Model {
  return onnx.ModelProto.decode(bytes) as unknown as Model;
}

export function encodeModel(model: Model): Uint8Array {
  return onnx.ModelProto.encode(model as unknown as onnxProto.onnx.IModelProto).finish();
}

/** int64 fields arrive as numbers or Long objects depending on the value. */
export function toNumber(v: number | { toNumber(): number }): number {
  return typeof v === 'number' ? v : v.toNumber();
}

export function dimsOf(t: Tensor): number[] {
  return t.dims.map(toNumber);
}

/** Reads a float32 initializer whether stored as raw_data or float_data. */
export function floatData(t: Tensor): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new Error(`${t.name} is not float32`);
  if (t.rawData && t.rawData.byteLength > 0) {
    const copy = new Uint8Array(t.rawData); // aligned copy
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData);
}

export function tensor(name: string, dataType: number, dims: number[], data: ArrayBufferView): Tensor {
  return onnx.TensorProto.create({
    name,
    dataType,
    dims,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  }) as unknown as Tensor;
}

type AttrValue = number | string | number[];

export function node(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttrValue> = {}, domain = ''): Node {
  const A = onnx.AttributeProto;
  const attribute = Object.entries(attrs).map(([key, v]) => {
    if (typeof v === 'string') return A.create({ name: key, type: A.AttributeType.STRING, s: new TextEncoder().encode(v) });
    if (Array.isArray(v)) return A.create({ name: key, type: A.AttributeType.INTS, ints: v });
    return Number.isInteger(v) ? A.create({ name: key, type: A.AttributeType.INT, i: v }) : A.create({ name: key, type: A.AttributeType.FLOAT, f: v });
  });
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute, domain }) as unknown as Node;
}

export function attr(n: Node, name: string): number | undefined {
  const a = n.attribute.find((x) => x.name === name);
  if (!a) return undefined;
  return a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f : toNumber(a.i);
}

/** Byte size of a tensor's payload. */
export function tensorBytes(t: Tensor): number {
  if (t.rawData && t.rawData.byteLength) return t.rawData.byteLength;
  const per = t.dataType === DataType.DOUBLE || t.dataType === DataType.INT64 ? 8 : 4;
  return (t.floatData.length + t.int32Data.length + t.int64Data.length + t.doubleData.length) * per;
}
