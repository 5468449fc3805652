// The module worker of the script-tag build: core's worker, bundled with onnxruntime-web.
import '@ko-classify/core/worker';
