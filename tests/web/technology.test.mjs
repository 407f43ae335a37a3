// The technology page `/cong-nghe/{id}` (pages13.md "Technology page"):
// every field, the 404 page for unknown and unpublished ids and other
// paths, untrusted text, and the screenshots.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
	API, assertNoTrouble, call, draftTech, goto, launch, madeUpWord, newStaff,
	newUser, ok, openPage, publishedTech, screenshot, verifiedVendor,
} from './lib.mjs';

let browser;
let tech;		// a verified vendor's, flagged eligible for funding
let plain;		// an unverified vendor's, not flagged
let draft;		// never published
let names;		// code -> name_vi of categories and sectors
let program;		// the DOST program tech is flagged for
const VALID_UNTIL = `${new Date().getUTCFullYear() + 1}-06-30`;
const VENDOR = `Công ty CP Kỹ thuật Môi trường ${madeUpWord(6)}`;

before(async () => {
	browser = await launch();
	const { admin, vendor } = await verifiedVendor({ name: VENDOR });
	tech = await publishedTech(vendor, {
		title: `Hệ thống xử lý nước thải chế biến thủy sản ${madeUpWord()}`,
		summary: 'Xử lý nước thải giàu đạm và dầu mỡ bằng tuyển nổi ' +
		    'DAF và bể sinh học MBBR.',
		description: 'Công suất 200–2.000 m³/ngày.\nNước sau xử lý đạt ' +
		    'QCVN 11-MT:2015/BTNMT cột A.',
		category: 'wastewater_treatment',
		sectors: ['seafood_processing', 'beverages'],
		trl: 8,
		price_min_vnd: 450000000,
		price_max_vnd: 1250000000,
		benefits: { energy_saving_pct: 15, water_saving_pct: 30,
		    waste_reduction_pct: 45, co2_reduction_tonnes_per_year: 320 },
		certifications: ['ISO 14001:2015', 'QCVN 11-MT:2015/BTNMT'],
	});
	plain = await publishedTech(await newUser('vendor'), {
	    category: 'energy_efficiency' });
	draft = await draftTech(vendor);
	const programs = (await ok('GET', `${API}/funding-programs`)).json.items;
	program = programs.find((p) => p.agency === 'dost');
	assert.ok(program, 'a DOST funding program');
	const dost = await newStaff(admin, 'dost');
	await ok('PUT', `${API}/technologies/${tech.id}/funding`, {
	    token: dost.token, body: { program_code: program.code,
	    eligible: true, max_support_pct: 40, valid_until: VALID_UNTIL,
	    note: 'Đạt tiêu chí sản xuất sạch hơn' } }, [200]);
	// An open need in the same category, so the count is at least one.
	const ent = await newUser('enterprise');
	await ok('POST', `${API}/needs`, { token: ent.token, body: {
	    title: `Cần xử lý nước thải nhà máy cá tra ${madeUpWord()}`,
	    description: 'Nước thải 500 m³/ngày, cần đạt cột A.',
	    category: 'wastewater_treatment', sector: 'seafood_processing',
	    district: 'ninh_kieu', budget_max_vnd: 3000000000,
	    deadline: VALID_UNTIL } }, [201]);
	names = {};
	for (const kind of ['categories', 'sectors'])
		for (const it of (await ok('GET', `${API}/${kind}`)).json.items)
			names[it.code] = it.name_vi;
});

after(async () => {
	await browser?.close();
});

async function text(page, sel) {
	await page.waitForSelector(sel, { state: 'attached' });
	return (await page.textContent(sel)).replace(/\s+/g, ' ').trim();
}

function digits(s) {
	return s.replace(/[^0-9]/g, '');
}

describe('the technology page', () => {
	test('shows each field of the listing', async () => {
		const { context, page, trouble } = await openPage(browser);
		const res = await goto(page, `/cong-nghe/${tech.id}`);
		assert.equal(res.status(), 200);
		await page.waitForFunction((t) => document.querySelector(
		    'h1#tech-title')?.textContent.trim() === t, tech.title);
		assert.equal(await page.getAttribute('html', 'lang'), 'vi');
		assert.ok((await text(page, '#tech-vendor')).includes(VENDOR));
		const verified = await text(page, '#tech-verified');
		assert.ok(verified.length > 0, '#tech-verified says something');
		assert.ok((await text(page, '#tech-category'))
		    .includes(names.wastewater_treatment));
		const sectors = await text(page, '#tech-sectors');
		for (const s of tech.sectors)
			assert.ok(sectors.includes(names[s]), `${names[s]} in ${sectors}`);
		assert.match(await text(page, '#tech-trl'), /\b8\b/);
		// Vietnamese money: 450.000.000 ₫ to 1.250.000.000 ₫.
		const price = await text(page, '#tech-price');
		assert.ok(price.includes('450.000.000'), price);
		assert.ok(price.includes('1.250.000.000'), price);
		assert.ok(price.includes('₫'), price);
		assert.equal(await text(page, '#tech-summary'), tech.summary);
		const desc = await text(page, '#tech-description');
		assert.ok(desc.includes('Công suất 200–2.000 m³/ngày.'), desc);
		assert.ok(desc.includes('QCVN 11-MT:2015/BTNMT cột A.'), desc);
		const benefits = digits(await text(page, '#tech-benefits'));
		for (const n of ['15', '30', '45', '320'])
			assert.ok(benefits.includes(n), `${n} in #tech-benefits`);
		const certs = await text(page, '#tech-certifications');
		for (const c of tech.certifications)
			assert.ok(certs.includes(c), `${c} in ${certs}`);
		const funding = await text(page, '#tech-funding');
		assert.ok(funding.includes(program.name_vi) ||
		    funding.includes(program.code), `the program in ${funding}`);
		// valid_until, however written: 2027-06-30, 30/06/2027,
		// 30 tháng 6, 2027, June 30, 2027...: its year, day and month.
		const [y, m, d] = VALID_UNTIL.split('-').map(Number);
		const nums = (funding.match(/\d+/g) || []).map(Number);
		assert.ok(nums.includes(y) && nums.includes(d) && nums.includes(m),
		    `valid_until ${VALID_UNTIL} in ${funding}`);
		// The open needs of the category, as the API counts them.
		const needs = await ok('GET', `${API}/needs?category=` +
		    'wastewater_treatment&facets=true&limit=1');
		const total = needs.json.facets?.total;
		assert.ok(Number.isInteger(total) && total >= 1,
		    `GET /needs?facets=true gives facets.total (${total})`);
		await page.waitForFunction((n) => document.querySelector(
		    '#tech-needs-count')?.dataset.count === String(n), total)
		    .catch(async () => assert.fail(`#tech-needs-count says ` +
		    `${await text(page, '#tech-needs-count')}, want ${total}`));
		assert.ok(await page.locator(
		    '#tech-needs-count a[href="/nhu-cau?category=wastewater_treatment"],' +
		    ' a#tech-needs-count[href="/nhu-cau?category=wastewater_treatment"]')
		    .count() >= 1, 'the count links to the needs of the category');
		// Signed out: the link to sign in, not the form.
		assert.equal(await page.locator('#quote-signin').count(), 1);
		assert.equal(await page.locator('form#quote-form').count(), 0);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('an unverified vendor and a listing with no funding say so',
	    async () => {
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/cong-nghe/${tech.id}`);
		const yes = await text(page, '#tech-verified');
		const yesFunding = await text(page, '#tech-funding');
		await goto(page, `/cong-nghe/${plain.id}`);
		await page.waitForFunction((t) => document.querySelector(
		    'h1#tech-title')?.textContent.trim() === t, plain.title);
		const no = await text(page, '#tech-verified');
		assert.ok(no.length > 0);
		assert.notEqual(no, yes, 'verified and not verified read alike');
		assert.notEqual(await text(page, '#tech-funding'), yesFunding);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('at 360 and 1280 px, saved', async () => {
		for (const width of [360, 1280]) {
			const { context, page, trouble } = await openPage(browser,
			    { width, height: width === 360 ? 740 : 800 });
			await goto(page, `/cong-nghe/${tech.id}`);
			await page.waitForFunction(() =>
			    document.querySelector('#tech-funding')?.textContent.trim());
			const wide = await page.evaluate(() =>
			    document.documentElement.scrollWidth);
			await screenshot(page, `technology-${width}.png`);
			assert.ok(wide <= width, `the page is ${wide} px wide at ${width}`);
			assertNoTrouble(trouble);
			await context.close();
		}
	});
});

describe('the 404 page', () => {
	const cases = {
		'an unknown id': () => `/cong-nghe/${crypto.randomUUID()}`,
		'an unpublished id': () => `/cong-nghe/${draft.id}`,
		'an id that is no UUID': () => '/cong-nghe/khong-phai-ma',
		'a path that is no page': () => `/${madeUpWord()}/trang`,
	};
	for (const [what, path] of Object.entries(cases)) {
		test(`${what}: status 404 and h1#not-found`, async () => {
			const { context, page, trouble } = await openPage(browser);
			const res = await goto(page, path());
			assert.equal(res.status(), 404);
			await page.waitForSelector('h1#not-found', { state: 'visible' });
			assert.equal(await page.locator('h1#tech-title').count(), 0);
			assert.equal(await page.getAttribute('html', 'lang'), 'vi');
			assertNoTrouble(trouble);
			await context.close();
		});
	}

	test('the page served for 404 is 404.html with data-page', async () => {
		const r = await call('GET', `/cong-nghe/${crypto.randomUUID()}`,
		    { headers: { Accept: 'text/html' } });
		assert.equal(r.status, 404);
		assert.match(r.headers.get('content-type') || '', /^text\/html/);
		assert.match(r.text, /data-page="not-found"/);
	});
});

describe('listing text is untrusted', () => {
	test('a title of markup shows literally on its page', async () => {
		const title = '<img src=x onerror=alert(1)>';
		const vendor = await newUser('vendor',
		    { name: '<img src=y onerror=alert(2)>' });
		const t = await publishedTech(vendor, { title,
		    description: '<script>alert(3)</script>\n<b>đậm</b>',
		    certifications: ['<img src=z onerror=alert(4)>'] });
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/cong-nghe/${t.id}`);
		await page.waitForFunction((s) => document.querySelector(
		    'h1#tech-title')?.textContent.trim() === s, title)
		    .catch(async () => assert.fail('h1#tech-title is ' +
		    await page.textContent('h1#tech-title').catch(() => 'absent')));
		assert.ok((await text(page, '#tech-vendor'))
		    .includes('<img src=y onerror=alert(2)>'));
		assert.ok((await text(page, '#tech-description'))
		    .includes('<script>alert(3)</script>'));
		assert.ok((await text(page, '#tech-certifications'))
		    .includes('<img src=z onerror=alert(4)>'));
		await page.waitForTimeout(300);
		assert.equal(await page.locator(
		    'img[src="x"], img[src="y"], img[src="z"], main script')
		    .count(), 0, 'markup from the listing became elements');
		assertNoTrouble(trouble);
		await context.close();
	});
});
