import type { Recommendation } from './web/playlike.js';

/**
 * `<playlike-similar game="1942" index="/index/manifest.json" limit="6" link="/game/{id}">`:
 * an accessible list of games like `game`, with the reasons, rendered in its shadow DOM.
 * Importing this module defines the element.
 */
export declare class PlaylikeSimilar extends HTMLElement {
  static observedAttributes: string[];
}

declare global {
  interface HTMLElementTagNameMap {
    'playlike-similar': PlaylikeSimilar;
  }
  interface HTMLElementEventMap {
    'playlike-ready': CustomEvent<Recommendation[]>;
    'playlike-error': CustomEvent<Error>;
  }
}
