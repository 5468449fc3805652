export { buildManifest, writeManifest } from '@ko-classify/core/node';
export { main } from './cli.js';
export { quantizeModel, QuantizeError, type QuantMode, type QuantizeOptions, type QuantizeReport } from './onnx/quantize.js';
export { quantizeFile, formatSizeTable } from './quantize-command.js';
export { DataType, decodeModel, encodeModel, node, onnx, tensor } from './onnx/proto.js';
export { calibrateModel, CalibrateError, formatCalibrate, type CalibrateOptions, type CalibrateReport, type BandFigures } from './calibrate-command.js';
export { ECE_BINS, eceOf, expectedCalibrationError, reliability, type ReliabilityBin } from './calibration/ece.js';
