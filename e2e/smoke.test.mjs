// Smoke test: the release build mounts in headless Chromium under its strict CSP, shows its
// heading, and the search box accepts typing and shows results.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newContext, screenshot, serve, waitForApp, waitForSearchReady, watchErrors, withPage,
} from './helpers.mjs';

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

test('the app mounts, shows its heading, and search shows results', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'smoke', async (page) => {
    const errors = watchErrors(page);
    await page.goto(server.url);
    await waitForApp(page);
    assert.match(await page.locator('h1').first().innerText(), /games like the ones you love/i);
    await waitForSearchReady(page);
    const box = page.locator('#search-input');
    await box.click();
    await box.pressSequentially('the', { delay: 30 });
    const options = page.locator('#search-listbox [role=option]');
    await options.first().waitFor({ timeout: 10000 });
    assert.ok((await options.count()) > 0, 'typing shows results');
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    await screenshot(page, 'search-typeahead');
    assert.deepEqual(errors, [], 'no page errors or CSP violations');
  });
  await context.close();
});
