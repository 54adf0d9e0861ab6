// The player's first minute (issues 10 and 16), at a phone's 390×844 and a desktop's
// 1280×900, against the release build and the demo index: the painted shell before the app,
// no layout shift while data arrives, the first recommendation on the first screen, home
// grids of full rows, genre entry points, the "For you" row, Copy link, "/" for search,
// visible focus, names and contrast.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newContext, screenshot, serve, waitForApp, waitForRecommendReady, waitForSearchReady, watchErrors,
  withPage,
} from './helpers.mjs';

const GAME = 14593; // Hollow Knight, in the demo index
const SECOND_GAME = 26226; // Celeste
const SCREENS = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
};

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Sums layout shifts (without recent input) from the very first paint on. */
function recordLayoutShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) {
        window.__shifts.push({ value: e.value, nodes: e.sources.map((s) => s.node?.className ?? s.node?.nodeName ?? '?') });
      }
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

const layoutShifts = (page) => page.evaluate(() => window.__shifts);

async function waitForTenRecs(page) {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10,
    null,
    { timeout: 30000 },
  );
}

/** Visible tiles of a grid, grouped into rows by their top edge: the length of each row. */
function rowLengths(page, grid) {
  return page.locator(grid).evaluate((ul) => {
    const rows = new Map();
    for (const li of ul.children) {
      const box = li.getBoundingClientRect();
      if (box.width === 0) continue;
      rows.set(Math.round(box.top), (rows.get(Math.round(box.top)) ?? 0) + 1);
    }
    return [...rows.values()];
  });
}

async function assertFullRows(page, grid, what) {
  const rows = await rowLengths(page, grid);
  const columns = await page.locator(grid).evaluate(
    (ul) => getComputedStyle(ul).gridTemplateColumns.split(' ').length,
  );
  assert.ok(rows.length > 0, `${what}: tiles are shown`);
  assert.ok(rows.every((n) => n === columns), `${what}: every row is full (${columns} columns, rows ${rows})`);
  return { rows: rows.length, columns };
}

for (const [screen, options] of Object.entries(SCREENS)) {
  test(`${screen}: a game deep link paints the shell first, then shows the first recommendation on the first screen with no layout shift`, { timeout: 120000 }, async () => {
    const context = await newContext(browser, options);
    await withPage(context, `deep-link-${screen}`, async (page) => {
      const errors = watchErrors(page);
      await page.addInitScript(recordLayoutShifts);
      // Hold the app's wasm back: the shell must already be there without it.
      let release;
      const released = new Promise((resolve) => { release = resolve; });
      await page.route(/playlike-web-[0-9a-f]+_bg\.wasm$/, async (route) => { await released; await route.continue(); });
      await page.goto(`${server.url}game/${GAME}`);
      await page.locator('#app[aria-busy=true] .shell-game .game-head.skeleton').waitFor();
      assert.ok(await page.locator('.shell-game .rec.skeleton').first().isVisible(), 'recommendation placeholders are painted');
      assert.ok(await page.locator('#search-input').isVisible(), 'the search box is painted');
      assert.equal(await page.locator('.shell-home').isVisible(), false, 'only the game page placeholder shows');
      // Typing starts before the app; the app keeps it.
      await page.locator('#search-input').fill('celes');
      release();
      await waitForApp(page);
      assert.equal(await page.locator('#search-input').inputValue(), 'celes', 'what was typed in the shell carries over');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input', 'and so does the focus');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.locator('#search-input').blur();
      await waitForTenRecs(page);
      await page.waitForSelector('[data-testid=game-details]:not([data-details=loading])');
      await page.waitForTimeout(300);
      const first = await page.locator('[data-testid=recommendations] li.rec').first().boundingBox();
      const viewport = page.viewportSize();
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      assert.ok(first.y >= 0 && first.y < viewport.height, `the first recommendation starts on the first screen (top ${first.y}, screen ${viewport.height})`);
      assert.deepEqual(await layoutShifts(page), [], 'nothing moved while the page loaded');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
      await screenshot(page, screen === 'phone' ? 'game-page-phone' : 'game-page-wide', { fullPage: false });
      assert.deepEqual(errors, []);
    });
    await context.close();
  });

  test(`${screen}: the home page shows full rows of well-known games, genre entry points, and no layout shift`, { timeout: 120000 }, async () => {
    const context = await newContext(browser, options);
    await withPage(context, `home-${screen}`, async (page) => {
      const errors = watchErrors(page);
      await page.addInitScript(recordLayoutShifts);
      await page.goto(server.url);
      await waitForApp(page);
      await page.locator('[data-testid=showcase] a.tile').first().waitFor({ timeout: 30000 });
      const showcase = await assertFullRows(page, '[data-testid=showcase]', 'well-known games');
      // Across eras: the shown games span several decades.
      const years = (await page.locator('[data-testid=showcase] li:visible .tile .meta').allInnerTexts()).map(Number);
      const decades = new Set(years.filter(Boolean).map((y) => Math.floor(y / 10)));
      assert.ok(decades.size >= 4, `well-known games from several decades (${[...decades].map((d) => `${d}0s`)})`);
      // Genre entry points arrive with the catalogue's genres.
      const genres = page.locator('[data-testid=genres] a.chip');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=genres] a.chip').length > 3, null, { timeout: 30000 });
      await page.waitForTimeout(300);
      assert.deepEqual(await layoutShifts(page), [], 'nothing moved while the page loaded');
      await screenshot(page, screen === 'phone' ? 'home-phone' : 'home', { fullPage: false });
      const genre = await genres.nth(1).innerText();
      await genres.nth(1).click();
      await page.waitForURL((url) => url.searchParams.get('genre') === genre);
      await page.waitForFunction((g) => document.querySelector('#showcase-title')?.innerText.includes(g), genre);
      await page.locator('[data-testid=showcase] a.tile').first().waitFor();
      await assertFullRows(page, '[data-testid=showcase]', `${genre} games`);
      assert.equal(await genres.nth(1).getAttribute('aria-current'), 'page');
      // A game from there has that genre, and its recommendations stay in it (the filter says so).
      await page.locator('[data-testid=showcase] a.tile').first().click();
      await page.waitForURL((url) => url.pathname.startsWith('/game/') && url.searchParams.get('genre') === genre);
      await page.waitForSelector('[data-testid=game-details][data-details=ready] dd');
      assert.match(await page.locator('[data-testid=game-details] .fact').first().innerText(), new RegExp(genre.replace(/[()/]/g, '.')));
      assert.match(await page.getByTestId('filters-active').innerText(), /1 on/);
      assert.ok(showcase.columns >= 3);
      assert.deepEqual(errors, []);
    });
    await context.close();
  });

  test(`${screen}: with liked games the home page shows one full "For you" row`, { timeout: 120000 }, async () => {
    const context = await newContext(browser, options);
    await withPage(context, `for-you-row-${screen}`, async (page) => {
      for (const id of [GAME, SECOND_GAME]) {
        await page.goto(`${server.url}game/${id}`);
        await waitForApp(page);
        await page.locator('[data-testid=game-page] .chip.like').click();
      }
      await page.addInitScript(recordLayoutShifts);
      await page.goto(server.url);
      await waitForApp(page);
      const row = page.getByTestId('for-you-row');
      await row.locator('a.tile').first().waitFor({ timeout: 30000 });
      const { rows } = await assertFullRows(page, '[data-testid=for-you-row] .game-grid', 'For you');
      assert.equal(rows, 1, 'one row');
      const names = await row.locator('li:visible .tile-name').allInnerTexts();
      assert.ok(!names.includes('Hollow Knight') && !names.includes('Celeste'), `liked games are not suggested: ${names}`);
      await page.locator('[data-testid=showcase] a.tile').first().waitFor({ timeout: 30000 });
      await page.waitForTimeout(300);
      assert.deepEqual(await layoutShifts(page), []);
      await row.getByRole('link', { name: /All your recommendations/ }).click();
      await page.waitForURL((url) => url.pathname === '/for-you' && url.searchParams.get('like') === `${GAME},${SECOND_GAME}`);
    });
    await context.close();
  });
}

test('Copy link puts the page address on the clipboard, on a game page and on For you', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  await withPage(context, 'share', async (page) => {
    for (const path of [`game/${GAME}?from=2010&pop=0.5`, `for-you?like=${GAME},${SECOND_GAME}`]) {
      await page.goto(server.url + path);
      await waitForApp(page);
      await waitForTenRecs(page);
      const share = page.getByTestId('share');
      await share.click();
      await page.waitForFunction(() => document.querySelector('[data-testid=share]')?.innerText === 'Link copied');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
      // It says so to screen readers too, and goes back to its label.
      assert.match(await page.locator('.share [role=status]').innerText(), /copied/);
      await page.waitForFunction(() => document.querySelector('[data-testid=share]')?.innerText === 'Copy link', null, { timeout: 5000 });
    }
  });
  await context.close();
});

test('"/" focuses the search box from anywhere but a text field, before and after the app starts', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'slash', async (page) => {
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    await page.route(/playlike-web-[0-9a-f]+_bg\.wasm$/, async (route) => { await released; await route.continue(); });
    await page.goto(`${server.url}game/${GAME}`);
    await page.locator('#app[aria-busy=true] #search-input').waitFor();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input', 'in the painted shell');
    release();
    await waitForApp(page);
    await waitForSearchReady(page);
    await page.locator('#search-input').blur();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input', 'in the app');
    await page.keyboard.type('celeste');
    await page.locator('#search-listbox [role=option]').first().waitFor();
    assert.equal(await page.locator('#search-input').inputValue(), 'celeste', 'the "/" itself is not typed');
    // In a text field, "/" is just a character.
    await page.keyboard.press('Escape');
    await page.getByTestId('filters-toggle').click();
    const year = page.locator('input[aria-label="Released from year"]');
    await year.focus();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Released from year');
  });
  await context.close();
});

test('keyboard: focus is visible and follows the page order; controls are named; text has contrast', { timeout: 120000 }, async () => {
  for (const colorScheme of ['light', 'dark']) {
    const context = await newContext(browser, { colorScheme, viewport: { width: 390, height: 844 }, isMobile: true });
    await withPage(context, `a11y-${colorScheme}`, async (page) => {
      await page.goto(`${server.url}game/${GAME}`);
      await waitForApp(page);
      await waitForTenRecs(page);
      // The final answer, so no row is refined away while it has focus.
      await waitForRecommendReady(page);
      await page.waitForFunction(() => document.querySelector('[data-testid=recs-status]')?.innerText === '');
      // Tab from the top: header, the game's buttons, Copy link, Filters, then the first result.
      const order = [];
      await page.evaluate(() => document.activeElement?.blur());
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {
            what: el.id || el.dataset.testid || el.className || el.tagName,
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          };
        }));
      }
      const what = order.map((o) => o.what);
      assert.ok(order.every((o) => o.outline), `every focused control shows a focus ring: ${JSON.stringify(order)}`);
      const at = (name) => what.findIndex((w) => String(w).includes(name));
      assert.ok(at('brand') < at('search-input') && at('search-input') < at('nav-link'), `header first: ${what}`);
      assert.ok(at('nav-link') < at('like') && at('like') < at('share'), `then the game's buttons: ${what}`);
      assert.ok(at('share') < at('filters-toggle') && at('filters-toggle') < at('rec-main'), `then filters and results: ${what}`);
      // Every control has a name a screen reader can say (the filters' too).
      await page.getByTestId('filters-toggle').click();
      const unnamed = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, summary')]
        .filter((el) => el.checkVisibility())
        .filter((el) => {
          const labelled = el.getAttribute('aria-label') || el.labels?.[0]?.innerText || el.innerText?.trim() || el.title;
          return !labelled;
        })
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unnamed, []);
      // WCAG AA contrast of the smaller text kinds against their panel.
      const ratios = await page.evaluate(() => {
        const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
        const lum = (c) => {
          const [r, g, b] = rgb(c).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const panel = getComputedStyle(document.querySelector('.panel')).backgroundColor;
        const page = getComputedStyle(document.body).backgroundColor;
        const color = (sel) => getComputedStyle(document.querySelector(sel)).color;
        return {
          meta: ratio(color('.rec .meta'), panel),
          why: ratio(color('.why'), panel),
          status: ratio(color('.status-line'), panel),
          filters: ratio(color('.filters-toggle'), panel),
          link: ratio(color('.nav-link'), getComputedStyle(document.querySelector('.site-header')).backgroundColor),
          footer: ratio(color('.site-footer'), page),
        };
      });
      for (const [name, r] of Object.entries(ratios)) assert.ok(r >= 4.5, `${colorScheme}: ${name} contrast ${r.toFixed(2)} ≥ 4.5`);
    });
    await context.close();
  }
});
