export * from './playlike.js';
/** Nothing to do in Node (the wasm is already instantiated); kept for one import line everywhere. */
export default function init(): Promise<void>;
/** Nothing to do in Node; see `init`. */
export function initSync(): void;
