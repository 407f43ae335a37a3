// The search page `/` (pages13.md "Search page"): diacritics, a filter and
// the count, load more, the URL and the back button, untrusted text, and
// the screenshots of the page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	assertNoTrouble, goto, launch, madeUpWord, newUser, openPage,
	publishedTech, resultIds, screenshot, verifiedVendor, waitCount,
	waitResults,
} from './lib.mjs';

let browser;
const W = madeUpWord();		// the word only this file's market holds
const market = {};		// name -> published technology

before(async () => {
	browser = await launch();
	const { vendor } = await verifiedVendor({
	    name: 'Công ty TNHH Môi trường Sông Hậu' });
	const put = async (name, title, over) => {
		market[name] = await publishedTech(vendor, {
		    title: `${title} ${W}`, ...over });
	};
	// Demo-like listings: three hold "xử lý nước thải", one does not.
	await put('seafood', 'Hệ thống xử lý nước thải chế biến thủy sản', {
	    summary: 'Tuyển nổi DAF và bể sinh học MBBR cho nước thải giàu ' +
	    'đạm, dầu mỡ của nhà máy fillet cá tra.',
	    category: 'wastewater_treatment', sectors: ['seafood_processing'],
	    price_min_vnd: 450000000, price_max_vnd: 1250000000 });
	await put('brewery', 'Xử lý nước thải sinh học MBBR cho nhà máy bia', {
	    summary: 'Giá thể di động, bể kỵ khí UASB thu khí sinh học; nước ' +
	    'sau xử lý đạt cột A.',
	    category: 'wastewater_treatment', sectors: ['beverages'] });
	await put('reuse', 'Tái sử dụng nước sau xử lý nước thải', {
	    summary: 'Lọc màng UF và RO để dùng lại nước rửa sàn, giảm 30% ' +
	    'nước cấp.',
	    category: 'water_saving', sectors: ['seafood_processing'],
	    price_min_vnd: 250000000, price_max_vnd: 800000000 });
	await put('boiler', 'Lò hơi tầng sôi đốt trấu', {
	    category: 'energy_efficiency' });
});

after(async () => {
	await browser?.close();
});

const WATER = () => [market.seafood.id, market.brewery.id,
    market.reuse.id].sort();

describe('search with and without diacritics', () => {
	test('typing "xử lý nước thải" in the box finds the three listings',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, '/');
		await page.fill('input#q', `xử lý nước thải ${W}`);
		await page.click('button#search-submit');
		assert.equal(await waitCount(page, 3), 3);
		assert.deepEqual((await waitResults(page, 3)).sort(), WATER());
		const u = new URL(page.url());
		assert.equal(u.searchParams.get('q'), `xử lý nước thải ${W}`);
		for (const t of [market.seafood, market.brewery, market.reuse]) {
			const link = page.locator(`ul#results > li.result[data-id="${t.id}"] a.result-link`);
			assert.equal(await link.getAttribute('href'), `/cong-nghe/${t.id}`);
			assert.ok((await link.textContent()).includes(t.title),
			    `the result link holds the title ${t.title}`);
			const item = page.locator(`li.result[data-id="${t.id}"]`);
			assert.ok((await item.textContent()).includes(
			    'Công ty TNHH Môi trường Sông Hậu'), 'the vendor name');
			assert.equal(await item.locator('.badge-verified').count(), 1,
			    'a verified vendor has .badge-verified');
		}
		assertNoTrouble(trouble);
		await context.close();
	});

	test('"xu ly nuoc thai" from a bookmarked URL finds the same three',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${encodeURIComponent(`xu ly nuoc thai ${W}`)}`);
		assert.equal(await waitCount(page, 3), 3);
		assert.deepEqual((await waitResults(page, 3)).sort(), WATER());
		assert.equal(await page.inputValue('input#q'), `xu ly nuoc thai ${W}`);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('the search page at 360 and 1280 px, saved', async () => {
		for (const width of [360, 1280]) {
			const { context, page, trouble } = await openPage(browser,
			    { width, height: width === 360 ? 740 : 800 });
			await goto(page, `/?q=${encodeURIComponent(`xu ly nuoc thai ${W}`)}`);
			await waitResults(page, 3);
			// Nothing wider than the screen: no sideways scrolling.
			const wide = await page.evaluate(() =>
			    document.documentElement.scrollWidth);
			await screenshot(page, `search-${width}.png`);
			assert.ok(wide <= width, `the page is ${wide} px wide at ${width}`);
			assertNoTrouble(trouble);
			await context.close();
		}
	});
});

describe('filters, the count and the URL', () => {
	test('a category filter changes #result-count, the URL, and back ' +
	    'restores it', async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, '/');
		await page.fill('input#q', W);
		await page.press('input#q', 'Enter');
		assert.equal(await waitCount(page, 4), 4);
		await waitResults(page, 4);
		const text4 = await page.textContent('#result-count');
		assert.match(text4, /4/, '#result-count shows the total');
		// The option carries the facet count for this search.
		const opt = await page.$eval(
		    'select#f-category option[value="wastewater_treatment"]',
		    (o) => o.textContent);
		assert.match(opt, /\(2\)/, `the option shows its count: ${opt}`);
		await page.selectOption('select#f-category', 'wastewater_treatment');
		assert.equal(await waitCount(page, 2), 2);
		assert.deepEqual((await waitResults(page, 2)).sort(),
		    [market.seafood.id, market.brewery.id].sort());
		let u = new URL(page.url());
		assert.equal(u.searchParams.get('q'), W);
		assert.equal(u.searchParams.get('category'), 'wastewater_treatment');

		await page.goBack();
		assert.equal(await waitCount(page, 4), 4);
		await waitResults(page, 4);
		u = new URL(page.url());
		assert.equal(u.searchParams.get('category'), null);
		assert.equal(await page.inputValue('select#f-category'), '');
		assert.equal(await page.inputValue('input#q'), W);

		await page.goForward();
		assert.equal(await waitCount(page, 2), 2);
		assert.equal(await page.inputValue('select#f-category'),
		    'wastewater_treatment');

		// The shared URL reproduces it in a new tab.
		const other = await context.newPage();
		await goto(other, `/?q=${W}&category=wastewater_treatment`);
		assert.equal(await waitCount(other, 2), 2);
		assert.equal(await other.inputValue('select#f-category'),
		    'wastewater_treatment');
		assertNoTrouble(trouble);
		await context.close();
	});

	test('price sort orders the results and goes to the URL', async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${W}`);
		await waitResults(page, 4);
		await page.selectOption('select#sort', 'price_desc');
		await page.waitForURL((u) => u.searchParams.get('sort') === 'price_desc');
		await page.waitForFunction((id) => document.querySelector(
		    'ul#results > li.result')?.getAttribute('data-id') === id,
		    market.seafood.id);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('a filter of a shared URL holds while its counts are coming',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		// The facet counts arrive late, as on a large market.
		await page.route((u) => u.pathname === '/api/v1/technologies' &&
		    u.searchParams.get('facets') === 'true', async (route) => {
			await new Promise((r) => setTimeout(r, 2500));
			await route.continue().catch(() => {});
		});
		await goto(page,
		    `/?q=${W}&category=wastewater_treatment&sort=newest`);
		await waitResults(page, 2);
		assert.equal(await page.inputValue('select#f-category'),
		    'wastewater_treatment', 'the list shows the filter at once');
		await page.selectOption('select#sort', 'price_desc');
		await page.waitForURL((u) =>
		    u.searchParams.get('sort') === 'price_desc');
		assert.equal(new URL(page.url()).searchParams.get('category'),
		    'wastewater_treatment', 'the filter is still in the URL');
		assert.equal((await waitResults(page, 2)).length, 2);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('arrow keys through a list make one search, one history entry',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${W}`);
		await waitCount(page, 4);
		const before = await page.evaluate(() => history.length);
		const lists = [];
		page.on('request', (r) => {
			const u = new URL(r.url());
			if (u.pathname === '/api/v1/technologies' &&
			    u.searchParams.get('facets') !== 'true')
				lists.push(u.search);
		});
		await page.focus('select#f-category');
		for (let i = 0; i < 3; i++)
			await page.keyboard.press('ArrowDown');
		await page.waitForURL((u) => u.searchParams.has('category'));
		await waitCount(page);
		await page.waitForTimeout(600);	// nothing more comes
		assert.equal(await page.evaluate(() => history.length),
		    before + 1, 'one history entry');
		assert.equal(lists.length, 1, `one search: ${lists.join(' ')}`);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('a misspelt word offers a#suggestion with the corrected search',
	    async () => {
		// One letter of the made-up word changed: only this file's
		// titles know the word, so the correction is W itself.
		const typo = W.slice(0, 4) + (W[4] === 'x' ? 'z' : 'x') + W.slice(5);
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${typo}`);
		const link = page.locator('a#suggestion');
		await link.waitFor().catch(() => assert.fail(`no a#suggestion for ${typo}`));
		const href = new URL(await link.getAttribute('href'), page.url());
		assert.equal(href.pathname, '/');
		assert.equal(href.searchParams.get('q'), W);
		await link.click();
		await page.waitForURL((u) => u.searchParams.get('q') === W);
		assert.equal(await waitCount(page, 4), 4);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('a search that finds nothing shows #empty-state', async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${madeUpWord(14)}`);
		await page.waitForSelector('#empty-state', { state: 'visible' });
		assert.equal(await page.locator('ul#results > li.result').count(), 0);
		assert.equal(await page.locator('button#clear-filters').count(), 1);
		assert.equal(await page.locator('button#load-more').count(), 0);
		assertNoTrouble(trouble);
		await context.close();
	});
});

describe('load more', () => {
	const L = madeUpWord();
	const mine = [];

	before(async () => {
		const vendor = await newUser('vendor');
		for (let i = 0; i < 25; i++)
			mine.push((await publishedTech(vendor, {
			    title: `Máy nén khí tiết kiệm điện số ${i + 1} ${L}` })).id);
	});

	test('appends the next page, no data-id twice, then disappears',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${L}`);
		assert.equal(await waitCount(page, 25), 25);
		const first = await waitResults(page, 20);
		assert.equal(await page.locator('button#load-more').count(), 1,
		    'button#load-more is there while next_cursor is not null');
		await page.click('button#load-more');
		const all = await waitResults(page, 25);
		assert.deepEqual(all.slice(0, 20), first, 'the first page stays');
		assert.equal(new Set(all).size, 25, `repeated data-id: ${all}`);
		assert.deepEqual([...all].sort(), [...mine].sort());
		await page.waitForSelector('button#load-more', { state: 'detached' })
		    .catch(() => assert.fail('button#load-more stays after the last page'));
		assertNoTrouble(trouble);
		await context.close();
	});

	test('focuses the first new result', async () => {
		const { context, page } = await openPage(browser);
		await goto(page, `/?q=${L}`);
		const first = await waitResults(page, 20);
		await page.click('button#load-more');
		const all = await waitResults(page, 25);
		assert.notEqual(all[20], first[0]);
		await page.waitForFunction((id) => document.activeElement?.closest(
		    'li.result')?.getAttribute('data-id') === id, all[20],
		    { timeout: 5000 }).catch(async () => assert.fail(
		    'focus is on ' + await page.evaluate(() =>
		    document.activeElement?.outerHTML.slice(0, 120))));
		await context.close();
	});
});

describe('listing text is untrusted', () => {
	const X = madeUpWord();
	const TITLE = '<img src=x onerror=alert(1)>';
	const VENDOR = `<img src=y onerror=alert(2)> Công ty ${X}`;
	let tech;

	before(async () => {
		const vendor = await newUser('vendor', { name: VENDOR });
		tech = await publishedTech(vendor, { title: TITLE,
		    summary: `Tiêu đề thử nghiệm ${X} <script>alert(3)</script>` });
	});

	test('a title of markup shows literally in the results', async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${X}`);
		assert.deepEqual(await waitResults(page, 1), [tech.id]);
		const link = page.locator('a.result-link');
		assert.ok((await link.textContent()).includes(TITLE),
		    `the link shows ${await link.textContent()}`);
		assert.ok((await page.textContent('li.result')).includes(
		    `<img src=y onerror=alert(2)> Công ty ${X}`), 'the vendor name');
		// Let an onerror fire if an element had been made.
		await page.waitForTimeout(300);
		assert.equal(await page.locator('img[src="x"], img[src="y"]').count(), 0);
		assert.equal(await page.locator('#results script').count(), 0);
		assertNoTrouble(trouble);
		await context.close();
	});
});
