// The npm package `playlike` in Node (node --test): opens the demo index from disk (a file:
// URL) and over HTTP (`playlike serve` on loopback), searches, recommends, fetches a game
// page, and turns every failure into an Error with a `code`. Also checks the package itself:
// its exports map (import and require by name) and that its TypeScript types are not `any`.
//
// Needs the package (scripts/build-npm → target/npm/playlike, or $PLAYLIKE_NPM) and the
// fixtures (scripts/helpers/npm-fixtures → js/tests/fixture/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, serve } from '../../e2e/helpers.mjs';

const PACKAGE = process.env.PLAYLIKE_NPM ?? path.join(ROOT, 'target', 'npm', 'playlike');
const FIXTURE = path.join(ROOT, 'js', 'tests', 'fixture');
const INDEX = pathToFileURL(path.join(FIXTURE, 'index', 'manifest.json'));
const HADES = 113112;
const HOLLOW_KNIGHT = 14593;
// A game past the fixture's first tier (15,000 best-known games), so its cover id is in a
// cover block fetched on demand; and its cover.
const LATE = { igdbId: 112875, cover: 'coba3d' }; // God of War Ragnarök

const { default: init, Playlike } = await import(pathToFileURL(path.join(PACKAGE, 'node', 'index.mjs')));
await init();

/** The rejection (or throw) of `call`, which must be a PlaylikeError with `code`. */
async function failure(call, code) {
  let error;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `expected an Error with code ${code}, got ${error}`);
  assert.equal(error.code, code, `${error.name}: ${error.message}`);
  assert.equal(error.name, 'PlaylikeError');
  assert.ok(error.message.length > 10, error.message);
  return error;
}

/** A copy of the demo index in a temp dir, for tests that break it. */
function copyIndex() {
  const dir = mkdtempSync(path.join(tmpdir(), 'playlike-npm-'));
  cpSync(path.join(FIXTURE, 'index'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return { dir, manifest, url: pathToFileURL(path.join(dir, 'manifest.json')), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const playlike = await Playlike.open(INDEX);

test('opens the demo index from disk and reports progress', async () => {
  const statuses = [];
  const opened = await Playlike.open(INDEX.href, { onProgress: (s) => statuses.push(s) });
  const last = statuses.at(-1);
  assert.ok(statuses.length >= 3, `progress reports: ${statuses.length}`);
  assert.ok(last.recommend_ready && last.titles_complete);
  assert.equal(last.loaded_bytes, last.total_bytes);
  assert.equal(opened.status().games, 18000);
  assert.deepEqual(opened.status(), last);
  opened.free();
});

test('searches titles', () => {
  const [first] = playlike.search('hollow knight', { k: 5 });
  // `also_known_as` is optional: set only when another name of the game matched.
  const keys = Object.keys(first).filter((key) => first[key] !== undefined).sort();
  assert.deepEqual(keys, ['cover', 'igdb_id', 'main_game', 'name', 'platforms', 'year']);
  assert.equal(first.also_known_as, undefined, 'found by its own title');
  assert.equal(first.igdb_id, HOLLOW_KNIGHT);
  assert.equal(first.name, 'Hollow Knight');
  assert.equal(first.year, 2017);
  assert.ok(first.platforms.includes('Nintendo Switch'), first.platforms.join());
  assert.equal(playlike.search('hades', { k: 2 }).length, 2);
  assert.ok(playlike.search('hades').some((g) => g.igdb_id === HADES));
  // Typo-tolerant.
  assert.equal(playlike.search('hollow knigth', { k: 1 })[0]?.igdb_id, HOLLOW_KNIGHT);
});

test('recommends games like one, with explanations', () => {
  const recs = playlike.similar(HOLLOW_KNIGHT, { k: 8 });
  assert.equal(recs.length, 8);
  for (const { game, explanation, reasons } of recs) {
    assert.notEqual(game.igdb_id, HOLLOW_KNIGHT);
    assert.ok(explanation.length > 0 && reasons.length > 0, game.name);
    assert.ok(reasons.every((r) => typeof r.label === 'string' && r.items.length > 0));
  }
  const forHades = playlike.similar(HADES, { k: 8 });
  assert.notDeepEqual(forHades.map((r) => r.game.igdb_id), recs.map((r) => r.game.igdb_id));
  // Knobs and filters change the answer and are kept.
  const recent = playlike.similar(HOLLOW_KNIGHT, { k: 8, filters: { from: 2019, platform: ['PC (Microsoft Windows)'] } });
  assert.ok(recent.length > 0);
  assert.ok(recent.every((r) => r.game.year >= 2019 && r.game.platforms.includes('PC (Microsoft Windows)')));
  const gems = playlike.similar(HOLLOW_KNIGHT, { k: 8, popularity: -1 });
  assert.notDeepEqual(gems.map((r) => r.game.igdb_id), recs.map((r) => r.game.igdb_id));
});

test('recommends for a taste, never the liked or owned games', () => {
  const first = playlike.taste({ like: [HADES, HOLLOW_KNIGHT] }, { k: 5 });
  const owned = first[0].game.igdb_id;
  const recs = playlike.taste({ like: [HADES, HOLLOW_KNIGHT], dislike: [], owned: [owned] }, { k: 5 });
  assert.equal(recs.length, 5);
  assert.ok(recs.every((r) => ![HADES, HOLLOW_KNIGHT, owned].includes(r.game.igdb_id)));
});

test('a game page brings its details, fetched on demand', async () => {
  const page = await playlike.game(HADES);
  assert.equal(page.summary.name, 'Hades');
  assert.ok(page.genres.includes('Roguelike') || page.details.genres.length > 0);
  assert.ok(page.details.developers.includes('Supergiant Games'), page.details.developers.join());
  assert.equal(typeof page.details.release_date, 'number');
  const options = playlike.filterOptions();
  assert.ok(options.platforms.includes('Nintendo Switch') && options.genres.length > 5);
  assert.ok(options.stores.includes('Steam') && options.stores.includes('GOG'), options.stores.join());
  const onGog = playlike.similar(HADES, { k: 5, filters: { store: ['GOG'] } });
  assert.ok(onGog.length > 0);
  assert.notDeepEqual(onGog, playlike.similar(HADES, { k: 5 }), 'the store filter changes the page');
});

test('covers of lesser-known games are fetched on demand, a block at a time', async () => {
  const fresh = await Playlike.open(INDEX);
  const manifest = JSON.parse(readFileSync(path.join(FIXTURE, 'index', 'manifest.json'), 'utf8'));
  const upfront = manifest.files.filter((f) => f.role === 'search' || f.role === 'recommend');
  assert.ok(manifest.files.some((f) => f.role === 'covers'), 'the fixture has cover blocks');
  assert.equal(fresh.status().total_bytes, upfront.reduce((sum, f) => sum + f.bytes, 0), 'no cover block up front');
  assert.equal(fresh.games([LATE.igdbId])[0].cover, null, 'its row comes without a cover');
  assert.equal(fresh.games([HADES])[0].cover.startsWith('co'), true, 'the first tier keeps its covers');
  // Two calls at once share the block; the answer keeps the order asked, leaves out unknowns.
  const [both, one] = await Promise.all([fresh.covers([LATE.igdbId, 4000000000, HADES]), fresh.covers([LATE.igdbId])]);
  assert.deepEqual(both, [{ igdb_id: LATE.igdbId, cover: LATE.cover }, { igdb_id: HADES, cover: fresh.games([HADES])[0].cover }]);
  assert.deepEqual(one, [{ igdb_id: LATE.igdbId, cover: LATE.cover }]);
  assert.equal(fresh.games([LATE.igdbId])[0].cover, LATE.cover, 'kept once loaded');
  assert.deepEqual(await fresh.covers([]), []);
  await failure(() => fresh.covers('13'), 'bad_request');
  await failure(() => new Playlike().covers([13]), 'not_loaded');
  fresh.free();
  // A damaged block: its games are left out (the row keeps its placeholder), no rejection.
  const damaged = copyIndex();
  try {
    for (const block of damaged.manifest.files.filter((f) => f.role === 'covers')) {
      const file = path.join(damaged.dir, block.path);
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1] ^= 1;
      writeFileSync(file, bytes);
    }
    const opened = await Playlike.open(damaged.url);
    assert.deepEqual(await opened.covers([LATE.igdbId, HADES]), [{ igdb_id: HADES, cover: opened.games([HADES])[0].cover }]);
    opened.free();
  } finally {
    damaged.remove();
  }
});

test('over HTTP from `playlike serve` the answers are the same', async () => {
  const server = await serve(path.join(FIXTURE, 'index'));
  try {
    const remote = await Playlike.open(`${server.url}/manifest.json`);
    assert.deepEqual(remote.similar(HADES, { k: 10 }), playlike.similar(HADES, { k: 10 }));
    assert.deepEqual(remote.search('portal'), playlike.search('portal'));
    remote.free();
  } finally {
    await server.stop();
  }
});

test('bad ids, bad arguments and calls before open are errors with codes', async () => {
  await failure(() => playlike.similar(4000000000), 'bad_id');
  await failure(() => playlike.taste({ like: [HADES, 4000000000] }), 'bad_id');
  await failure(() => playlike.game(4000000000), 'bad_id');
  for (const id of [-1, 1.5, '113112', null, undefined, NaN, 2 ** 60, 10n]) {
    await failure(() => playlike.similar(id), 'bad_request');
  }
  for (const options of [{ k: 0 }, { k: 201 }, { k: -2 }, { popularity: 1.5 }, { recency: 'new' },
    { filters: { yearFrom: 2000 } }, { filters: { min_rating: 300 } }, { top: 3 }, 'k=3', 7]) {
    await failure(() => playlike.similar(HADES, options), 'bad_request');
  }
  await failure(() => playlike.taste({ like: [] }), 'bad_request');
  await failure(() => playlike.taste([HADES]), 'bad_request');
  await failure(() => playlike.taste({ likes: [HADES] }), 'bad_request');
  await failure(() => playlike.search({ q: 'hades' }), 'bad_request');
  await failure(() => playlike.games([1.5]), 'bad_request');
  assert.doesNotThrow(() => playlike.search('\u0000\uffff\ud800 '.repeat(5000)));

  const empty = new Playlike();
  await failure(() => empty.search('hades'), 'not_loaded');
  await failure(() => empty.similar(HADES), 'not_loaded');
  await failure(() => empty.game(HADES), 'not_loaded');
  await failure(() => empty.filterOptions(), 'not_loaded');
  await empty.load(INDEX);
  assert.ok(empty.search('hades').length > 0);
  await failure(() => empty.load(INDEX), 'bad_request');
});

test('a damaged or missing index is corrupt or network, never a trap', async () => {
  // Damaged in transit or at rest: the SHA-256 no longer matches the manifest.
  const flipped = copyIndex();
  try {
    const titles = flipped.manifest.files.find((f) => f.role === 'search');
    const file = path.join(flipped.dir, titles.path);
    const bytes = readFileSync(file);
    bytes[100] ^= 1;
    writeFileSync(file, bytes);
    const error = await failure(() => Playlike.open(flipped.url), 'corrupt');
    assert.match(error.message, /SHA-256/);
  } finally {
    flipped.remove();
  }
  // A file that inflates past the size its manifest announces: cut off, never buffered whole.
  const inflated = copyIndex();
  try {
    inflated.manifest.files.find((f) => f.role === 'search').raw_bytes = 1000;
    writeFileSync(path.join(inflated.dir, 'manifest.json'), JSON.stringify(inflated.manifest));
    const error = await failure(() => Playlike.open(inflated.url), 'corrupt');
    assert.match(error.message, /decompresses to more than 1000 bytes/);
  } finally {
    inflated.remove();
  }
  // Verified but undecodable (fixture), a manifest that is not JSON, one with an unsafe path.
  await failure(() => Playlike.open(pathToFileURL(path.join(FIXTURE, 'corrupt', 'manifest.json'))), 'corrupt');
  await failure(() => Playlike.open(pathToFileURL(path.join(FIXTURE, 'garbage', 'manifest.json'))), 'corrupt');
  const unsafe = copyIndex();
  try {
    unsafe.manifest.files[0].path = '../../etc/passwd';
    writeFileSync(path.join(unsafe.dir, 'manifest.json'), JSON.stringify(unsafe.manifest));
    await failure(() => Playlike.open(unsafe.url), 'corrupt');
  } finally {
    unsafe.remove();
  }
  // A missing file, a missing index, a closed port.
  const missing = copyIndex();
  try {
    rmSync(path.join(missing.dir, missing.manifest.files[1].path));
    await failure(() => Playlike.open(missing.url), 'network');
  } finally {
    missing.remove();
  }
  await failure(() => Playlike.open(pathToFileURL(path.join(FIXTURE, 'nowhere', 'manifest.json'))), 'network');
  await failure(() => Playlike.open('http://127.0.0.1:9/manifest.json'), 'network');
  // Not a URL at all (relative URLs need a page to resolve against).
  await failure(() => Playlike.open('index/manifest.json'), 'bad_request');
  await failure(() => Playlike.open(INDEX, { onProgress: 'yes' }), 'bad_request');
});

test('an abort stops the downloads and rejects with the reason', async () => {
  const server = await serve(path.join(FIXTURE, 'index'), ['--throttle-kbps', '2000']);
  try {
    const controller = new AbortController();
    const partial = new Playlike();
    const loading = partial.load(`${server.url}/manifest.json`, {
      signal: controller.signal,
      onProgress: (s) => { if (s.loaded_bytes > 0) controller.abort(); },
    });
    await assert.rejects(loading, { name: 'AbortError' });
    const status = partial.status();
    assert.ok(!status.recommend_ready, 'the download stopped before the feature part arrived');
    assert.ok(status.loaded_bytes < status.total_bytes, JSON.stringify(status));
    await assert.rejects(Playlike.open(INDEX, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  } finally {
    await server.stop();
  }
});

test('the package resolves by name for import and require, with types that are not any', () => {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'playlike');
  const app = mkdtempSync(path.join(tmpdir(), 'playlike-consumer-'));
  try {
    mkdirSync(path.join(app, 'node_modules'));
    symlinkSync(PACKAGE, path.join(app, 'node_modules', 'playlike'), 'dir');
    const url = INDEX.href;
    const esm = `import init, { Playlike } from 'playlike'; await init();
      const p = await Playlike.open(${JSON.stringify(url)}); console.log(p.search('hades', { k: 1 })[0].name);`;
    const cjs = `const { Playlike } = require('playlike');
      Playlike.open(${JSON.stringify(url)}).then((p) => console.log(p.similar(${HADES}, { k: 1 }).length));`;
    assert.equal(execFileSync('node', ['--input-type=module', '-e', esm], { cwd: app }).toString().trim(), 'Hades');
    assert.equal(execFileSync('node', ['-e', cjs], { cwd: app }).toString().trim(), '1');
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
  // The fields an interface declares; without `?` (optional) ones unless asked.
  const fieldsOf = (types, name, { optional = false } = {}) => {
    const start = types.indexOf(`export interface ${name} {`);
    const body = types.slice(start, types.indexOf('\n}', start));
    const field = optional ? /^\s+(\w+)\?:/gm : /^\s+(\w+):/gm;
    return [...body.matchAll(field)].map((m) => m[1]).sort();
  };
  for (const flavour of ['web', 'node']) {
    const types = readFileSync(path.join(PACKAGE, flavour, 'playlike.d.ts'), 'utf8');
    // The declared shapes are the shapes returned.
    assert.deepEqual(fieldsOf(types, 'LoadStatus'), Object.keys(playlike.status()).sort());
    assert.deepEqual(fieldsOf(types, 'GameSummary'), Object.keys(playlike.search('hades')[0]).sort());
    assert.deepEqual(fieldsOf(types, 'GameSummary', { optional: true }), ['also_known_as']);
    // The declared filters are the ones the engine accepts: core's one vocabulary, which the
    // refusal of an unknown filter lists.
    let refusal;
    try {
      playlike.similar(HADES, { filters: { not_a_filter: 1 } });
    } catch (e) {
      refusal = e.message;
    }
    const known = refusal.match(/\(known: ([^)]*)\)/)[1].split(', ').sort();
    assert.deepEqual(fieldsOf(types, 'Filters', { optional: true }), known);
    assert.equal(playlike.similar(HADES, { filters: { not_genre: ['Action'], all_types: true } }).length, 10);
    assert.deepEqual(fieldsOf(types, 'Recommendation'), Object.keys(playlike.similar(HADES)[0]).sort());
    const start = types.indexOf('export class Playlike');
    const api = types.slice(start, types.indexOf('\n}', start));
    assert.ok(api.length > 0 && !/\bany\b/.test(api), `${flavour}: 'any' in the Playlike class:\n${api}`);
    assert.deepEqual(fieldsOf(types, 'GameCover'), ['cover', 'igdb_id']);
    for (const declared of ['static open(manifestUrl: string | URL, options?: OpenOptions)', 'similar(igdbId: number, options?: RecommendOptions)', 'Recommendation[]', 'Promise<Game>', 'covers(igdbIds: number[]): Promise<GameCover[]>', 'interface LoadStatus']) {
      assert.ok(types.includes(declared), `${flavour}: missing ${declared}`);
    }
  }
});
