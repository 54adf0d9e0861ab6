// The <playlike-similar> element in headless Chromium (playwright-core, /usr/bin/chromium):
// the example page examples/similar.html served by `playlike serve` (which also sends a strict
// Content-Security-Policy) with the npm package and the demo index, laid out as the page
// expects (/examples, /playlike, /index). Checks the accessible list it renders, that it
// follows attribute changes, shows errors as alerts, and renders catalogue text as text only
// (a crafted index whose game name is HTML).
//
// Needs the package (scripts/build-npm), the fixtures (scripts/helpers/npm-fixtures) and the
// release `playlike` binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT, launch, newContext, screenshot, serve, watchErrors, withPage } from '../../e2e/helpers.mjs';

const PACKAGE = process.env.PLAYLIKE_NPM ?? path.join(ROOT, 'target', 'npm', 'playlike');
const FIXTURE = path.join(ROOT, 'js', 'tests', 'fixture');

/** A catalogue whose second game's name is markup: it must show up as text. */
const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"><b>Bold</b> & Co';
const CRAFTED = [
  { igdb_id: 101, name: 'Plain Platformer', genres: ['Platform', 'Indie'], developers: ['Tiny Studio'], terms: ['cave', 'spider'] },
  { igdb_id: 102, name: HOSTILE_NAME, genres: ['Platform', 'Indie'], developers: ['Tiny Studio'], terms: ['cave', 'spider'] },
  { igdb_id: 103, name: 'Cave Crawler', genres: ['Platform', 'Indie'], developers: ['Tiny Studio'], terms: ['cave'] },
].map((game, i) => ({ ...game, platforms: ['PC (Microsoft Windows)'], release_date: 1500000000 + i * 1e7 }));

let site;
let server;
let browser;

before(async () => {
  site = mkdtempSync(path.join(tmpdir(), 'playlike-element-'));
  cpSync(path.join(ROOT, 'examples'), path.join(site, 'examples'), { recursive: true });
  cpSync(PACKAGE, path.join(site, 'playlike'), { recursive: true });
  cpSync(path.join(FIXTURE, 'index'), path.join(site, 'index'), { recursive: true });
  mkdirSync(path.join(site, 'crafted-src'));
  const catalogue = path.join(site, 'crafted-src', 'games.jsonl');
  writeFileSync(catalogue, CRAFTED.map((g) => JSON.stringify(g)).join('\n'));
  execFileSync(BIN, ['build', '--input', catalogue, '--out', path.join(site, 'crafted')], { stdio: 'ignore' });
  server = await serve(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(site, { recursive: true, force: true });
});

/** What the element shows, read from its shadow DOM. */
function readElement(selector) {
  const host = document.querySelector(selector);
  const root = host.shadowRoot;
  const list = root.querySelector('ol');
  const heading = root.querySelector('h2');
  return {
    state: host.dataset.state,
    busy: host.getAttribute('aria-busy'),
    heading: heading?.textContent ?? null,
    labelledBy: list ? root.getElementById(list.getAttribute('aria-labelledby'))?.textContent : null,
    items: [...root.querySelectorAll('li')].map((li) => ({
      name: li.querySelector('.name')?.textContent,
      why: li.querySelector('.why')?.textContent,
      platforms: li.querySelector('.platforms')?.textContent,
      cover: li.querySelector('.cover') !== null,
      display: getComputedStyle(li).display,
    })),
    alert: root.querySelector('[role="alert"]')?.textContent ?? null,
    tags: [...new Set([...root.querySelectorAll('*')].map((e) => e.localName))].sort(),
  };
}

async function waitForState(page, selector, state) {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.dataset.state === want,
    [selector, state],
    { timeout: 30000 },
  );
}

test('the example page renders an accessible list of explained recommendations under a strict CSP', async () => {
  const context = await newContext(browser);
  await withPage(context, 'element-similar', async (page) => {
    const errors = watchErrors(page);
    const response = await page.goto(`${server.url}/examples/similar.html`);
    assert.match(response.headers()['content-security-policy'], /style-src 'self'/);
    await waitForState(page, '#similar', 'ready');
    const shown = await page.evaluate(readElement, '#similar');
    assert.equal(shown.heading, 'Games like Hollow Knight');
    assert.equal(shown.labelledBy, shown.heading, 'the list is labelled by its heading');
    assert.equal(shown.busy, 'false');
    assert.equal(shown.items.length, 6, 'limit="6"');
    for (const item of shown.items) {
      assert.ok(item.name && item.why && item.platforms, JSON.stringify(item));
      assert.ok(item.cover, 'a cover placeholder');
      assert.equal(item.display, 'grid', 'the constructable stylesheet applies');
    }
    assert.ok(!shown.items.some((i) => i.name === 'Hollow Knight'));
    await screenshot(page, 'element-similar');

    // Attribute changes re-render.
    await page.click('button[data-game="113112"]');
    await page.waitForFunction(() => document.querySelector('#similar').shadowRoot.querySelector('h2')?.textContent === 'Games like Hades', null, { timeout: 30000 });
    const hades = await page.evaluate(readElement, '#similar');
    assert.equal(hades.items.length, 6);
    assert.notDeepEqual(hades.items.map((i) => i.name), shown.items.map((i) => i.name));
    assert.deepEqual(errors, [], 'no page errors or CSP violations');
  });
  await context.close();
});

test('rows that come without a cover get it from the cover block, fetched on demand', async () => {
  const context = await newContext(browser);
  // Image requests stay pending (a failed image is removed, which would hide what is checked).
  await context.unroute(/images\.igdb\.com/);
  await context.route(/images\.igdb\.com/, () => {});
  await withPage(context, 'element-covers', async (page) => {
    const errors = watchErrors(page);
    await page.goto(`${server.url}/examples/similar.html`);
    await waitForState(page, '#similar', 'ready');
    // God of War (IGDB 19560): its first recommendation, God of War Ragnarök (112875), is past
    // the fixture's first tier, so its row has no cover id until the element asks for it.
    await page.evaluate(() => document.querySelector('#similar').setAttribute('game', '19560'));
    await page.waitForFunction(
      () => document.querySelector('#similar').shadowRoot.querySelector('.cover[data-game="112875"] img')?.getAttribute('src')?.endsWith('/coba3d.jpg'),
      null,
      { timeout: 30000 },
    );
    const box = await page.evaluate(() => {
      const cover = document.querySelector('#similar').shadowRoot.querySelector('.cover[data-game="112875"]');
      return [cover.offsetWidth, cover.offsetHeight];
    });
    assert.deepEqual(box, [45, 64], 'the placeholder keeps its size');
    assert.deepEqual(errors, []);
  });
});

test('an unknown game, a missing index and bad attributes show an alert', async () => {
  const context = await newContext(browser);
  await withPage(context, 'element-errors', async (page) => {
    const errors = watchErrors(page);
    await page.goto(`${server.url}/examples/similar.html`);
    await waitForState(page, '#similar', 'ready');
    await page.evaluate(() => {
      for (const [id, game, index] of [
        ['unknown', '4000000000', '../index/manifest.json'],
        ['missing', '14593', '../nowhere/manifest.json'],
        ['bad', 'hollow', '../index/manifest.json'],
      ]) {
        const element = document.createElement('playlike-similar');
        element.id = id;
        element.setAttribute('game', game);
        element.setAttribute('index', index);
        document.body.append(element);
      }
    });
    for (const [id, text] of [['unknown', /not in the index/], ['missing', /Could not load/], ['bad', /Set the attributes/]]) {
      await waitForState(page, `#${id}`, 'error');
      const shown = await page.evaluate(readElement, `#${id}`);
      assert.match(shown.alert, text, id);
      assert.equal(shown.items.length, 0);
    }
    assert.deepEqual(errors, []);
  });
  await context.close();
});

test('catalogue text is rendered as text, never as markup', async () => {
  const context = await newContext(browser);
  await withPage(context, 'element-hostile', async (page) => {
    const errors = watchErrors(page);
    await page.goto(`${server.url}/examples/similar.html`);
    await page.evaluate(() => {
      const element = document.createElement('playlike-similar');
      element.id = 'crafted';
      element.setAttribute('game', '101');
      element.setAttribute('index', '../crafted/manifest.json');
      element.setAttribute('link', 'javascript:alert(1)//{id}');
      document.body.append(element);
    });
    await waitForState(page, '#crafted', 'ready');
    const shown = await page.evaluate(readElement, '#crafted');
    assert.ok(shown.items.some((i) => i.name === HOSTILE_NAME), JSON.stringify(shown.items));
    assert.deepEqual(shown.tags, ['div', 'h2', 'li', 'ol', 'p', 'section', 'span']);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    // An http(s) link template makes each name a link to that game.
    await page.evaluate(() => document.querySelector('#crafted').setAttribute('link', '/game/{id}'));
    await page.waitForFunction(() => document.querySelector('#crafted').shadowRoot.querySelector('a.name'), null, { timeout: 30000 });
    const links = await page.evaluate(() => [...document.querySelector('#crafted').shadowRoot.querySelectorAll('a.name')]
      .map((a) => [a.textContent, new URL(a.href).pathname]));
    assert.ok(links.some(([name, href]) => name === HOSTILE_NAME && href === '/game/102'), JSON.stringify(links));
    assert.deepEqual(errors, []);
  });
  await context.close();
});
