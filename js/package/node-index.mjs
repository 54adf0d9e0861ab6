// The package's entry for `import` in Node: the CommonJS build (node/playlike.js, which loads
// its wasm synchronously) re-exported as an ES module, with the same `init()`/`initSync()` as
// the web build so `import init, { Playlike } from 'playlike'; await init();` works in both.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('./playlike.js');

export const { Playlike } = wasm;

/** Nothing to do in Node (the wasm is already instantiated); kept for one import line everywhere. */
export default async function init() {}

/** Nothing to do in Node; see `init`. */
export function initSync() {}
