export { buildManifest, writeManifest } from './manifest.js';
export { main } from './cli.js';
