// What every page shares (pages13.md "Files and serving", "Language",
// "Common DOM"): the security headers on pages and files, page weight,
// the language switch, keyboard-only use, and axe-core on each page.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
	BASE, CSP, assertNoTrouble, axeViolations, draftTech, goto, launch,
	madeUpWord, openPage, publishedTech, verifiedVendor, waitCount,
	waitResults,
} from './lib.mjs';

let browser;
let tech;
const W = madeUpWord();

before(async () => {
	browser = await launch();
	const { vendor } = await verifiedVendor();
	tech = await publishedTech(vendor, {
	    title: `Thu hồi nhiệt khí thải lò sấy ${W}`,
	    category: 'energy_efficiency' });
	await draftTech(vendor);
});

after(async () => {
	await browser?.close();
});

// A GET through node:http: the raw headers, the bytes as sent.
function raw(path, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = http.get(BASE + path, { headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode,
			    headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.setTimeout(10000, () => req.destroy(new Error('timeout')));
	});
}

function assertSafetyHeaders(h, what) {
	assert.equal(h['content-security-policy'], CSP, `${what}: CSP`);
	assert.equal(h['x-content-type-options'], 'nosniff', `${what}: nosniff`);
	assert.equal(h['referrer-policy'], 'same-origin',
	    `${what}: Referrer-Policy`);
}

// The server's own files a page loads (not the API): url -> bytes.
async function ownFiles(path, ready) {
	const { context, page, trouble } = await openPage(browser);
	const files = new Map();
	const pending = [];
	page.on('response', (r) => {
		const u = new URL(r.url());
		if (u.origin !== BASE || u.pathname.startsWith('/api/'))
			return;
		pending.push(r.body().then((b) => files.set(u.pathname, b.length),
		    () => files.set(u.pathname, 0)));
	});
	await goto(page, path);
	await ready(page);
	await Promise.all(pending);
	assertNoTrouble(trouble, path);
	await context.close();
	return files;
}

describe('headers', () => {
	const pages = () => ({
		'/': 200, [`/cong-nghe/${tech.id}`]: 200, '/nhu-cau': 200,
		'/phu-pham': 200, '/ket-qua': 200, '/dang-nhap': 200,
		'/cua-toi': 200, [`/cua-toi/${tech.id}`]: 200,
		'/?q=xu+ly+nuoc+thai': 200,
		[`/cong-nghe/${crypto.randomUUID()}`]: 404,
		[`/${madeUpWord()}`]: 404, '/web/': 404,
		[`/web/${madeUpWord()}.js`]: 404,
	});

	test('every page: CSP, nosniff, Referrer-Policy, HTML', async () => {
		for (const [path, status] of Object.entries(pages())) {
			const r = await raw(path);
			assert.equal(r.status, status, path);
			assertSafetyHeaders(r.headers, path);
			if (!path.startsWith('/web/'))
				assert.match(r.headers['content-type'] || '',
				    /^text\/html/, path);
		}
	});

	test('every file a page loads: the same headers, ETag, 304, gzip',
	    async () => {
		const files = await ownFiles('/', (p) =>
		    p.waitForSelector('form#search-form'));
		for (const f of ['/web/style.css', '/web/app.js'])
			assert.ok(files.has(f), `/ loads ${f} (${[...files.keys()]})`);
		const types = { css: /^text\/css/, js: /^(text|application)\/javascript/,
		    svg: /^image\/svg\+xml/, html: /^text\/html/ };
		for (const f of [...files.keys()].concat('/web/favicon.svg')) {
			if (!f.startsWith('/web/'))
				continue;
			const r = await raw(f);
			assert.equal(r.status, 200, f);
			assertSafetyHeaders(r.headers, f);
			const ext = f.split('.').pop();
			if (types[ext])
				assert.match(r.headers['content-type'] || '', types[ext], f);
			assert.match(r.headers['cache-control'] || '', /no-cache/, f);
			const tag = r.headers.etag;
			assert.ok(tag, `${f}: an ETag`);
			const again = await raw(f, { 'If-None-Match': tag });
			assert.equal(again.status, 304, `${f}: 304 on If-None-Match`);
			assert.equal(again.body.length, 0);
			const gz = await raw(f, { 'Accept-Encoding': 'gzip' });
			if (ext !== 'svg' || r.body.length > 1024)
				assert.equal(gz.headers['content-encoding'], 'gzip',
				    `${f}: gzip when accepted`);
		}
	});
});

describe('page weight', () => {
	test('the search and technology pages: own files under 100 KB',
	    async (t) => {
		const cases = {
			[`/?q=${W}`]: (p) => waitResults(p, 1),
			[`/cong-nghe/${tech.id}`]: (p) =>
			    p.waitForSelector('h1#tech-title'),
		};
		for (const [path, ready] of Object.entries(cases)) {
			const files = await ownFiles(path, ready);
			const total = [...files.values()].reduce((a, b) => a + b, 0);
			t.diagnostic(`${path}: ${total} bytes before data ` +
			    `(uncompressed): ${JSON.stringify(Object.fromEntries(files))}`);
			assert.ok(total < 100 * 1024, `${path} weighs ${total} bytes`);
		}
	});
});

describe('language', () => {
	test('the switch changes html[lang] and texts, and is remembered',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		const langs = [];
		page.on('request', (r) => {
			if (new URL(r.url()).pathname.startsWith('/api/'))
				langs.push(r.headers()['accept-language']);
		});
		await goto(page, `/?q=${W}`);
		await waitResults(page, 1);
		assert.equal(await page.getAttribute('html', 'lang'), 'vi');
		const texts = () => page.evaluate(() => [
			document.querySelector('header nav')?.textContent,
			document.querySelector('label[for="q"]')?.textContent,
			document.querySelector('button#search-submit')?.textContent,
			document.querySelector('#result-count')?.textContent,
		].map((s) => (s || '').replace(/\s+/g, ' ').trim()));
		const vi = await texts();
		assert.ok(langs.length > 0 && langs.every((l) => /^vi\b/.test(l)),
		    `Accept-Language before the switch: ${langs}`);
		langs.length = 0;
		await page.click('button#lang-switch');
		await page.waitForFunction(() => document.documentElement.lang === 'en');
		await page.waitForFunction((old) => {
			const s = document.querySelector('label[for="q"]')?.textContent;
			return s && s.replace(/\s+/g, ' ').trim() !== old;
		}, vi[1]).catch(() => assert.fail('the label of #q did not change'));
		// The results may be drawn again in the new language: wait for
		// their count.
		await page.waitForFunction((old) => {
			const s = document.querySelector('#result-count')?.textContent;
			return s && s.replace(/\s+/g, ' ').trim() !== old;
		}, vi[3]).catch(() => assert.fail('#result-count did not change'));
		const en = await texts();
		for (let i = 0; i < vi.length; i++)
			assert.notEqual(en[i], vi[i], `text ${i} stays ${vi[i]}`);
		assert.equal(await page.evaluate(() =>
		    localStorage.getItem('tm.lang')), 'en');

		await page.reload();
		await waitResults(page, 1);
		await waitCount(page, 1);
		assert.equal(await page.getAttribute('html', 'lang'), 'en');
		assert.deepEqual(await texts(), en);
		assert.ok(langs.length > 0 && langs.every((l) => /^en\b/.test(l)),
		    `Accept-Language after the switch: ${langs}`);

		// Every page, not only this one.
		await goto(page, `/cong-nghe/${tech.id}`);
		await page.waitForSelector('h1#tech-title');
		assert.equal(await page.getAttribute('html', 'lang'), 'en');
		await page.click('button#lang-switch');
		await page.waitForFunction(() => document.documentElement.lang === 'vi');
		assert.equal(await page.evaluate(() =>
		    localStorage.getItem('tm.lang')), 'vi');
		assertNoTrouble(trouble);
		await context.close();
	});
});

describe('keyboard only', () => {
	// Tab until the focused element matches sel; the elements passed.
	async function tabTo(page, sel, max = 60) {
		const seen = [];
		for (let i = 0; i < max; i++) {
			await page.keyboard.press('Tab');
			const now = await page.evaluate((s) => {
				const a = document.activeElement;
				return { hit: !!a?.matches(s),
				    what: a ? a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') +
				    (a.className ? '.' + a.className : '') : 'none' };
			}, sel);
			seen.push(now.what);
			if (now.hit)
				return seen;
		}
		assert.fail(`Tab never reached ${sel}: ${seen.join(' ')}`);
	}

	test('Tab reaches the skip link, the search box and a result; ' +
	    'Enter opens it', async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/?q=${W}`);
		await waitResults(page, 1);
		await page.keyboard.press('Tab');
		assert.ok(await page.evaluate(() =>
		    document.activeElement?.matches('a.skip-link[href="#main"]')),
		    'the first Tab is on the skip link');
		const box = await page.evaluate(() => {
			const r = document.activeElement.getBoundingClientRect();
			return { w: r.width, h: r.height, top: r.top, left: r.left };
		});
		assert.ok(box.w > 0 && box.h > 0 && box.top >= 0 && box.left >= 0,
		    `the focused skip link is on screen: ${JSON.stringify(box)}`);
		await tabTo(page, 'input#q');
		await tabTo(page, `li.result[data-id="${tech.id}"] a.result-link`);
		await Promise.all([
			page.waitForURL((u) => u.pathname === `/cong-nghe/${tech.id}`),
			page.keyboard.press('Enter'),
		]);
		await page.waitForFunction((t) => document.querySelector(
		    'h1#tech-title')?.textContent.trim() === t, tech.title);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('the skip link moves focus to main#main', async () => {
		const { context, page } = await openPage(browser);
		await goto(page, '/');
		await page.waitForSelector('form#search-form');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await page.waitForFunction(() => document.activeElement?.id === 'main')
		    .catch(async () => assert.fail('focus is on ' + await page.evaluate(
		    () => document.activeElement?.outerHTML.slice(0, 80))));
		await context.close();
	});
});

describe('axe-core', () => {
	const pages = () => ({
		search: [`/?q=${W}`, (p) => waitResults(p, 1)],
		technology: [`/cong-nghe/${tech.id}`,
		    (p) => p.waitForSelector('h1#tech-title')],
		// The items or the empty state: the list itself is there before.
		needs: ['/nhu-cau', (p) => p.waitForSelector(
		    'ul#needs > li.need, #empty-state', { state: 'attached' })],
		results: ['/ket-qua', (p) => p.waitForSelector('#cp-table, #cp-none',
		    { state: 'attached' })],
		'sign-in': ['/dang-nhap', (p) => p.waitForSelector('form#signin-form')],
		'not found': [`/cong-nghe/${crypto.randomUUID()}`,
		    (p) => p.waitForSelector('h1#not-found')],
	});
	for (const name of ['search', 'technology', 'needs', 'results',
	    'sign-in', 'not found']) {
		test(`${name}: no serious or critical violation`, async () => {
			const [path, ready] = pages()[name];
			const { context, page, trouble } = await openPage(browser);
			await goto(page, path);
			await ready(page);
			const bad = await axeViolations(page);
			if (bad.length)
				console.log(`axe on ${path}:\n` +
				    JSON.stringify(bad, null, 2));
			assert.deepEqual(bad.map((v) => `${v.impact}: ${v.id}`), [],
			    `axe-core on ${path}`);
			assertNoTrouble(trouble);
			await context.close();
		});
	}
});
