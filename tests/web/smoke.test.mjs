// The harness itself: Debian's Chromium starts through playwright-core and
// reaches the server under test. When this fails, the others say nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BASE, launch } from './lib.mjs';

test('Chromium starts and reaches the server', async () => {
	const browser = await launch();
	try {
		assert.match(browser.version(), /^\d+\./);
		const page = await (await browser.newContext()).newPage();
		const res = await page.goto(`${BASE}/healthz`);
		assert.equal(res.status(), 200);
	} finally {
		await browser.close();
	}
});
