// Signed-in pages (pages13.md "Sign-in", "Technology page" quote, "Sign in
// `/dang-nhap`, own listings `/cua-toi`"): an enterprise requests a quote,
// a vendor edits its draft; the token stays in sessionStorage.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	API, assertNoTrouble, call, draftTech, goto, launch, madeUpWord, newUser,
	ok, openPage, publishedTech, signInUi,
} from './lib.mjs';

let browser;

before(async () => {
	browser = await launch();
});

after(async () => {
	await browser?.close();
});

// The session as the page keeps it: in sessionStorage, not a cookie.
async function assertSession(page, context, user) {
	const s = await page.evaluate(() => sessionStorage.getItem('tm.session'));
	assert.ok(s, 'sessionStorage tm.session after signing in');
	const doc = JSON.parse(s);
	assert.ok(doc.token && doc.expires_at && doc.account,
	    'tm.session is {token, expires_at, account}');
	assert.equal(doc.account.email, user.email);
	assert.deepEqual(await context.cookies(), [], 'no cookie');
	assert.ok(!page.url().includes(doc.token), 'the token is in the URL');
	return doc.token;
}

describe('sign in', () => {
	test('a wrong password shows #signin-error and keeps no session',
	    async () => {
		const user = await newUser('enterprise');
		const { context, page, trouble } = await openPage(browser);
		await goto(page, '/dang-nhap');
		await page.fill('input#email', user.email);
		await page.fill('input#password', `${user.password}x`);
		await page.click('button#signin-submit');
		await page.waitForFunction(() => document.querySelector(
		    '#signin-error[role="alert"]')?.textContent.trim());
		assert.equal(new URL(page.url()).pathname, '/dang-nhap');
		assert.equal(await page.evaluate(() =>
		    sessionStorage.getItem('tm.session')), null);
		assert.equal(await page.locator('a#nav-signin').count(), 1);
		assertNoTrouble(trouble);
		await context.close();
	});

	test('next= to another site is not followed', async () => {
		const user = await newUser('enterprise');
		const { context, page, trouble } = await openPage(browser);
		await goto(page, '/dang-nhap?next=' +
		    encodeURIComponent('//evil.example/x'));
		await page.fill('input#email', user.email);
		await page.fill('input#password', user.password);
		await page.click('button#signin-submit');
		await page.waitForSelector('button#sign-out');
		assert.ok(page.url().startsWith(`${new URL(page.url()).origin}/`));
		assert.equal(new URL(page.url()).hostname, '127.0.0.1');
		assertNoTrouble(trouble);
		await context.close();
	});
});

describe('an enterprise requests a quote', () => {
	test('signs in from the technology page and sends the form',
	    async () => {
		const vendor = await newUser('vendor');
		const tech = await publishedTech(vendor,
		    { title: `Lò hơi đốt trấu ${madeUpWord()}` });
		const ent = await newUser('enterprise');
		const { context, page, trouble } = await openPage(browser);
		await goto(page, `/cong-nghe/${tech.id}`);
		await page.waitForSelector('#quote-signin');
		assert.equal(await page.locator('form#quote-form').count(), 0);
		await signInUi(page, ent, `/cong-nghe/${tech.id}`);
		await assertSession(page, context, ent);
		assert.equal(await page.locator('button#sign-out').count(), 1);
		assert.equal(await page.locator('a#nav-mine').count(), 0,
		    'an enterprise has no a#nav-mine');
		const message = `Xin báo giá lắp đặt cho nhà máy ${madeUpWord()}`;
		await page.fill('textarea#quote-message', message);
		await page.fill('input#quote-quantity', '2');
		const posted = page.waitForRequest((r) => r.method() === 'POST' &&
		    new URL(r.url()).pathname === `${API}/quote-requests`);
		await page.click('button#quote-submit');
		const req = await posted;
		assert.ok(req.headers()['idempotency-key'],
		    'POST /quote-requests has an Idempotency-Key');
		assert.match(req.headers().authorization || '', /^Bearer tms_/);
		await page.waitForFunction(() => document.querySelector(
		    '#quote-result[role="status"]')?.textContent.trim());
		const sent = await ok('GET', `${API}/quote-requests?role=sent`,
		    { token: ent.token });
		const mine = sent.json.items.filter((q) =>
		    q.technology?.id === tech.id || q.technology_id === tech.id);
		assert.equal(mine.length, 1, 'one quote request on the API');
		assert.equal(mine[0].message, message);
		assert.equal(mine[0].status, 'requested');
		assertNoTrouble(trouble);
		await context.close();
	});
});

describe('a vendor edits its listing', () => {
	test('sees its draft in /cua-toi, edits the title, the API has it',
	    async () => {
		const vendor = await newUser('vendor');
		const draft = await draftTech(vendor,
		    { title: `Bản nháp máy sấy lúa ${madeUpWord()}` });
		const { context, page, trouble } = await openPage(browser);
		await signInUi(page, vendor, '/cua-toi');
		const token = await assertSession(page, context, vendor);
		assert.equal(await page.locator('a#nav-mine[href="/cua-toi"]').count(), 1);
		const item = page.locator(
		    `ul#my-listings > li.my-listing[data-id="${draft.id}"]`);
		await item.waitFor();
		assert.ok((await item.textContent()).includes(draft.title));
		await Promise.all([
			page.waitForURL((u) => u.pathname === `/cua-toi/${draft.id}`),
			item.locator(`a[href="/cua-toi/${draft.id}"]`).click(),
		]);
		await page.waitForFunction((t) => document.querySelector(
		    'input#edit-title')?.value === t, draft.title);
		const title = `Máy sấy lúa tầng sôi ${madeUpWord()}`;
		await page.fill('input#edit-title', title);
		const patched = page.waitForRequest((r) => r.method() === 'PATCH' &&
		    new URL(r.url()).pathname === `${API}/technologies/${draft.id}`);
		await page.click('button#edit-save');
		assert.ok((await patched).headers()['if-match'],
		    'the PATCH has If-Match');
		await page.waitForFunction(() => document.querySelector(
		    '#edit-result[role="status"]')?.textContent.trim());
		const r = await ok('GET', `${API}/technologies/${draft.id}`,
		    { token: vendor.token }, [200]);
		assert.equal(r.json.title, title);
		assert.equal(r.json.status, 'draft');
		// Signing out forgets the session.
		await page.click('button#sign-out');
		await page.waitForSelector('a#nav-signin');
		assert.equal(await page.evaluate(() =>
		    sessionStorage.getItem('tm.session')), null);
		// ... and ends it on the server (DELETE /sessions/current).
		let status;
		for (let i = 0; i < 20 && status !== 401; i++) {
			status = (await call('GET', `${API}/me`, { token })).status;
			if (status !== 401)
				await page.waitForTimeout(250);
		}
		assert.equal(status, 401, 'the token still works after signing out');
		assertNoTrouble(trouble);
		await context.close();
	});

	test('a 422 is shown next to its field', async () => {
		const vendor = await newUser('vendor');
		const draft = await draftTech(vendor);
		const { context, page, trouble } = await openPage(browser);
		await signInUi(page, vendor, `/cua-toi/${draft.id}`);
		await page.waitForFunction(() =>
		    document.querySelector('input#edit-title')?.value);
		await page.fill('input#edit-price_min_vnd', '900000000');
		await page.fill('input#edit-price_max_vnd', '100000000');
		await page.click('button#edit-save');
		// The API's own message for the field, in Vietnamese (the
		// same PATCH through the API: a 422 changes nothing).
		const api = await call('PATCH', `${API}/technologies/${draft.id}`, {
		    token: vendor.token, headers: { 'If-Match': `"${draft.version}"`,
		    'Accept-Language': 'vi' }, body: { price_min_vnd: 900000000,
		    price_max_vnd: 100000000 } });
		assert.equal(api.status, 422, api.text);
		const { field, message } = api.json.errors[0];
		// Shown next to input#edit-<field>: in its container, or in
		// what aria-describedby names.
		await page.waitForFunction(([f, m]) => {
			const el = document.querySelector(`#edit-${f}`);
			if (!el)
				return false;
			const ids = (el.getAttribute('aria-describedby') || '')
			    .split(/\s+/).filter(Boolean);
			return ids.map((i) => document.getElementById(i))
			    .concat(el.parentElement, el.parentElement?.parentElement)
			    .some((e) => e?.textContent.includes(m));
		}, [field, message], { timeout: 5000 }).catch(() =>
		    assert.fail(`"${message}" is not next to #edit-${field}`));
		const r = await call('GET', `${API}/technologies/${draft.id}`,
		    { token: vendor.token });
		assert.equal(r.json.price_min_vnd, draft.price_min_vnd);
		assertNoTrouble(trouble);
		await context.close();
	});
});
