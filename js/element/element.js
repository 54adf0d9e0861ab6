// <playlike-similar game="1942" index="/index/manifest.json" limit="6">: "games like this"
// for any page, with no framework. It opens the index once per page (shared by every element
// naming the same index), asks for games like `game`, and renders them as an accessible,
// ordered list in its shadow DOM: name, year, platforms and why each was picked.
//
// Safe under a strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval';
// style-src 'self'): no inline script, styles through a constructable stylesheet, and
// catalogue text is only ever set as textContent — never parsed as HTML.
//
// Attributes: game (IGDB id), index (manifest URL, relative to the page), limit (1–50,
// default 6), link (optional URL template for each game, `{id}` is replaced by its IGDB id;
// only http(s) links are made). The host's `data-state` is `loading`, `ready` or `error`, and it
// fires `playlike-ready` / `playlike-error` events (detail: the recommendations / the error).
import init, { Playlike } from './web/playlike.js';

const COVER_URL = 'https://images.igdb.com/igdb/image/upload/t_cover_small/';
const DEFAULT_LIMIT = 6;
const MAX_LIMIT = 50;

const CSS = `
:host { display: block; font: inherit; color: inherit; }
:host([hidden]) { display: none; }
h2 { font-size: 1.1em; margin: 0 0 .5em; }
ol { list-style: none; margin: 0; padding: 0; display: grid; gap: .6em; }
li { display: grid; grid-template-columns: 45px 1fr; gap: .6em; align-items: start; }
.cover { display: block; width: 45px; height: 64px; border-radius: 3px; overflow: hidden; background: #8884; }
.cover img { display: block; width: 100%; height: 100%; object-fit: cover; }
.name { font-weight: 600; }
.year, .platforms { opacity: .75; }
.why, .platforms { margin: .15em 0 0; font-size: .9em; }
.message { margin: 0; }
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

let engineReady = null;
const indexes = new Map();

/** One Playlike per index URL for the whole page; a failed open is forgotten so it can be retried. */
function openIndex(url) {
  engineReady ??= init();
  let opening = indexes.get(url);
  if (!opening) {
    opening = engineReady.then(() => Playlike.open(url));
    opening.catch(() => indexes.delete(url));
    indexes.set(url, opening);
  }
  return opening;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A cover image (decorative: the name says it all), dropped if it fails to load. */
function coverImage(id) {
  const image = element('img');
  image.alt = '';
  image.width = 45;
  image.height = 64;
  image.loading = 'lazy';
  image.addEventListener('error', () => image.remove());
  image.src = `${COVER_URL}${encodeURIComponent(id)}.jpg`;
  return image;
}

/** `template` with `{id}` replaced, if that makes an http(s) URL; otherwise null. */
function gameLink(template, igdbId) {
  if (!template) return null;
  try {
    const url = new URL(template.replaceAll('{id}', String(igdbId)), document.baseURI);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function limitOf(value) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isInteger(n) ? Math.min(Math.max(n, 1), MAX_LIMIT) : DEFAULT_LIMIT;
}

class PlaylikeSimilar extends HTMLElement {
  static observedAttributes = ['game', 'index', 'limit', 'link'];

  #root;
  #generation = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styles()];
  }

  connectedCallback() {
    this.#update();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#update();
  }

  async #update() {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && this.isConnected;
    const gameId = Number(this.getAttribute('game'));
    const index = this.getAttribute('index');
    if (!Number.isSafeInteger(gameId) || gameId < 0 || !index) {
      this.#fail(new Error('Set the attributes game (an IGDB id) and index (a manifest URL).'));
      return;
    }
    this.#setState('loading');
    this.#show(this.#message('Loading games like this…', 'status'));
    try {
      const playlike = await openIndex(new URL(index, document.baseURI).href);
      if (!current()) return;
      const [source] = playlike.games([gameId]);
      const recommendations = playlike.similar(gameId, { k: limitOf(this.getAttribute('limit')) });
      this.#show(this.#list(source?.name ?? `game ${gameId}`, recommendations));
      this.#setState('ready');
      this.dispatchEvent(new CustomEvent('playlike-ready', { detail: recommendations }));
      await this.#fillCovers(playlike, recommendations, current);
    } catch (error) {
      if (current()) this.#fail(error);
    }
  }

  #list(sourceName, recommendations) {
    const section = element('section');
    const heading = element('h2', null, `Games like ${sourceName}`);
    heading.id = 'heading';
    heading.part = 'heading';
    section.append(heading);
    if (recommendations.length === 0) {
      section.append(this.#message('No similar games found.', 'status'));
      return section;
    }
    const list = element('ol');
    list.part = 'list';
    list.setAttribute('aria-labelledby', 'heading');
    for (const rec of recommendations) list.append(this.#item(rec));
    section.append(list);
    return section;
  }

  #item({ game, explanation }) {
    const item = element('li');
    item.part = 'item';
    // A fixed-size placeholder; the cover image (decorative: the name says it all) goes on
    // top and is dropped if it fails to load.
    const cover = element('span', 'cover');
    cover.dataset.game = String(game.igdb_id);
    if (game.cover) cover.append(coverImage(game.cover));
    const text = element('div');
    const href = gameLink(this.getAttribute('link'), game.igdb_id);
    const name = element(href ? 'a' : 'span', 'name', game.name);
    if (href) name.href = href;
    const title = element('div');
    title.append(name);
    if (game.year) title.append(' ', element('span', 'year', `(${game.year})`));
    text.append(title, element('p', 'why', explanation));
    if (game.platforms.length > 0) {
      text.append(element('p', 'platforms', game.platforms.join(', ')));
    }
    item.append(cover, text);
    return item;
  }

  /** Lesser-known games come without their cover id: ask for them all at once. */
  async #fillCovers(playlike, recommendations, current) {
    const missing = recommendations.filter(({ game }) => !game.cover).map(({ game }) => game.igdb_id);
    if (missing.length === 0) return;
    const covers = await playlike.covers(missing);
    if (!current()) return;
    for (const { igdb_id: id, cover } of covers) {
      this.#root.querySelector(`.cover[data-game="${id}"]`)?.append(coverImage(cover));
    }
  }

  #message(text, role) {
    const message = element('p', 'message', text);
    message.setAttribute('role', role);
    return message;
  }

  #show(node) {
    this.#root.replaceChildren(node);
  }

  #setState(state) {
    this.dataset.state = state;
    this.setAttribute('aria-busy', String(state === 'loading'));
  }

  #fail(error) {
    this.#setState('error');
    const text = error?.code === 'bad_id'
      ? 'This game is not in the index.'
      : `Could not load similar games: ${error?.message ?? error}`;
    this.#show(this.#message(text, 'alert'));
    this.dispatchEvent(new CustomEvent('playlike-error', { detail: error }));
  }
}

if (!customElements.get('playlike-similar')) {
  customElements.define('playlike-similar', PlaylikeSimilar);
}

export { PlaylikeSimilar };
