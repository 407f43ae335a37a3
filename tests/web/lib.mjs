// Helpers of the browser tests (tests/web/*.test.mjs): the API through
// fetch, accounts and listings made the way tests/integration/conftest.py
// makes them, and Debian's Chromium through playwright-core.
//
// conf/tm.sh test sets the environment (see README, "Browser tests"):
//   TM_BASE_URL      the throwaway server, http://127.0.0.1:PORT
//   TM_DATABASE_URL  its database (an admin is made there, as `make admin` does)
//   TM_TMCTL, TM_PSQL   tmctl (for `tmctl hash`) and psql
//   TM_WEB_MODULES   var/web/node_modules (playwright-core, axe-core)
//   TM_CHROMIUM      /usr/bin/chromium
//   TM_SCREENSHOTS   var/screenshots
//
// Like the integration tests, every test makes its own accounts and its own
// listings, with a made-up word that only its data holds, and asserts on
// what it made: the server's database holds whatever pytest left there.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.TM_ROOT || path.resolve(HERE, '..', '..');
const MODULES = process.env.TM_WEB_MODULES ||
    path.join(ROOT, 'var', 'web', 'node_modules');
const require = createRequire(path.join(MODULES, 'noop.js'));

export const { chromium } = require('playwright-core');
export const AXE_SOURCE = fs.readFileSync(
    require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = (process.env.TM_BASE_URL || '').replace(/\/+$/, '');
if (!BASE)
	throw new Error('TM_BASE_URL is not set: run the browser tests with ' +
	    'conf/tm.sh test tests/web (or make test)');
export const API = '/api/v1';
export const SCREENSHOTS = process.env.TM_SCREENSHOTS ||
    path.join(ROOT, 'var', 'screenshots');
const CHROMIUM = process.env.TM_CHROMIUM || '/usr/bin/chromium';
const TMCTL = process.env.TM_TMCTL || path.join(ROOT, 'var', 'build', 'tmctl');
const PSQL = process.env.TM_PSQL || '/usr/lib/postgresql/15/bin/psql';
const DATABASE_URL = process.env.TM_DATABASE_URL || '';

// The headers every page and file carries (pages13.md).
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
    "manifest-src 'self'; base-uri 'none'; form-action 'self'; " +
    "frame-ancestors 'none'";

// --- the API ---------------------------------------------------------------

export async function call(method, p, { token, body, headers } = {}) {
	const h = { Accept: 'application/json', ...(headers || {}) };
	if (token)
		h.Authorization = `Bearer ${token}`;
	let data;
	if (body !== undefined) {
		h['Content-Type'] = 'application/json';
		data = JSON.stringify(body);
	}
	const r = await fetch(BASE + p, { method, headers: h, body: data,
	    redirect: 'manual' });
	const text = await r.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON: text is there
	}
	return { status: r.status, headers: r.headers, text, json };
}

export async function ok(method, p, opts, want = [200, 201]) {
	const r = await call(method, p, opts);
	assert.ok(want.includes(r.status),
	    `${method} ${p}: ${r.status} ${r.text.slice(0, 400)}`);
	return r;
}

export function madeUpWord(n = 10) {
	const letters = 'bcdfghjklmnpqrstvwxz';
	let w = '';
	for (const b of crypto.randomBytes(n))
		w += letters[b % letters.length];
	return w;
}

function uniqueEmail(tag) {
	return `${tag}.${crypto.randomBytes(8).toString('hex')}@techmarket.test`;
}

function taxCode() {
	return String(crypto.randomInt(0, 1e10)).padStart(10, '0');
}

function newPassword() {
	return `Pw-${crypto.randomBytes(8).toString('hex')}`;
}

async function signIn(email, password) {
	const r = await ok('POST', `${API}/sessions`, { body: { email, password } });
	return r.json.token;
}

// A vendor or an enterprise, registered and signed in:
// {email, password, role, account, token}.
export async function newUser(role = 'vendor', org = {}) {
	const body = {
		email: uniqueEmail(role),
		password: newPassword(),
		display_name: 'Nguyễn Văn An',
		role,
		organization: {
			name: role === 'vendor' ?
			    'Công ty TNHH Công nghệ Xanh Cần Thơ' :
			    'Công ty CP Chế biến Thủy sản Hậu Giang',
			tax_code: taxCode(),
			district: 'ninh_kieu',
			sector: 'seafood_processing',
			...org,
		},
	};
	const r = await ok('POST', `${API}/accounts`, { body });
	const token = await signIn(body.email, body.password);
	return { email: body.email, password: body.password, role,
	    account: r.json, token };
}

// An admin the way `make admin` makes one: tmctl hash, then admin_upsert
// in psql (the hash on stdin, never on a command line), then a sign-in.
export async function makeAdmin() {
	assert.ok(DATABASE_URL, 'TM_DATABASE_URL is not set');
	const email = uniqueEmail('admin');
	const password = newPassword();
	const h = spawnSync(TMCTL, ['hash'], { input: password, encoding: 'utf8' });
	assert.equal(h.status, 0, `tmctl hash failed: ${h.stderr}`);
	const hash = h.stdout.trim();
	assert.match(hash, /^\$argon2id\$/);
	const sql = `\\set email '${email}'\n\\set hash '${hash}'\n` +
	    "SELECT admin_upsert(:'email', :'hash');\n";
	const p = spawnSync(PSQL, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
	    '-d', DATABASE_URL], { input: sql, encoding: 'utf8' });
	assert.equal(p.status, 0, `psql failed: ${p.stderr}`);
	const token = await signIn(email, password);
	return { email, password, role: 'admin', token };
}

// An agency account (DOST by default) made by an admin, signed in.
export async function newStaff(admin, agency = 'dost') {
	const body = { email: uniqueEmail(agency), password: newPassword(),
	    display_name: 'Sở Khoa học và Công nghệ', role: 'agency', agency };
	const r = await ok('POST', `${API}/admin/accounts`,
	    { token: admin.token, body });
	const token = await signIn(body.email, body.password);
	return { email: body.email, password: body.password, role: 'agency',
	    account: r.json, token };
}

export async function verify(admin, user) {
	const r = await ok('PATCH', `${API}/admin/accounts/${user.account.id}`,
	    { token: admin.token, body: { verified: true } }, [200]);
	assert.equal(r.json.organization.verified, true);
	user.account = r.json;
}

// A verified vendor, with the admin that verified it.
export async function verifiedVendor(org = {}) {
	const admin = await makeAdmin();
	const vendor = await newUser('vendor', org);
	await verify(admin, vendor);
	return { admin, vendor };
}

export function techBody(over = {}) {
	return {
		title: `Lò hơi tầng sôi đốt trấu ${madeUpWord()}`,
		summary: 'Tận dụng trấu làm nhiên liệu, giảm 35% chi phí hơi cho ' +
		    'nhà máy xay xát.',
		description: 'Buồng đốt tầng sôi hiệu suất cao.\nCông suất 2–10 ' +
		    'tấn hơi/giờ; tro trấu dùng làm phụ gia xi măng.',
		category: 'energy_efficiency',
		sectors: ['rice_food_processing', 'beverages'],
		trl: 7,
		price_min_vnd: 350000000,
		price_max_vnd: 1200000000,
		benefits: { energy_saving_pct: 35, water_saving_pct: 5,
		    waste_reduction_pct: 60, co2_reduction_tonnes_per_year: 1200 },
		certifications: ['ISO 14001:2015', 'QCVN 19:2009/BTNMT'],
		...over,
	};
}

// The version an API document's ETag names, for If-Match.
export function etag(doc) {
	return `"${doc.version}"`;
}

export async function draftTech(vendor, over = {}) {
	const r = await ok('POST', `${API}/technologies`,
	    { token: vendor.token, body: techBody(over) }, [201]);
	return r.json;
}

export async function publish(vendor, doc) {
	const r = await ok('PATCH', `${API}/technologies/${doc.id}`,
	    { token: vendor.token, body: { status: 'published' },
	    headers: { 'If-Match': etag(doc) } }, [200]);
	assert.equal(r.json.status, 'published');
	return r.json;
}

export async function publishedTech(vendor, over = {}) {
	return publish(vendor, await draftTech(vendor, over));
}

// --- the browser -----------------------------------------------------------

// One Chromium per test file; each test takes fresh contexts (their own
// storage) from it. playwright-core gives every launch a fresh profile
// directory (its --user-data-dir) and removes it at close.
export async function launch() {
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		// Without the networking flags Chromium's own connections
		// (updates, sync, QUIC probes) are refused on a closed network.
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}

// A page in a fresh context that records what must never happen: script
// errors, dialogs (alert() from injected markup), CSP refusals, requests
// to any other origin.
export async function openPage(browser, { width = 1280, height = 800,
    lang } = {}) {
	const context = await browser.newContext({
		viewport: { width, height },
		locale: 'vi-VN',
		serviceWorkers: 'block',
	});
	const page = await context.newPage();
	page.setDefaultTimeout(8000);
	page.setDefaultNavigationTimeout(15000);
	const trouble = { errors: [], dialogs: [], csp: [], outside: [] };
	page.on('pageerror', (e) => trouble.errors.push(String(e)));
	page.on('dialog', async (d) => {
		trouble.dialogs.push(`${d.type()}: ${d.message()}`);
		await d.dismiss().catch(() => {});
	});
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text()))
			trouble.csp.push(m.text());
	});
	page.on('request', (r) => {
		const u = r.url();
		if (!u.startsWith(BASE + '/') && !u.startsWith('data:') &&
		    !u.startsWith('blob:') && u !== 'about:blank')
			trouble.outside.push(u);
	});
	if (lang) {
		await context.addInitScript((l) => {
			if (!localStorage.getItem('tm.lang'))
				localStorage.setItem('tm.lang', l);
		}, lang);
	}
	return { context, page, trouble };
}

export function assertNoTrouble(trouble, what = 'the page') {
	assert.deepEqual(trouble.dialogs, [], `${what} opened a dialog`);
	assert.deepEqual(trouble.errors, [], `${what} threw`);
	assert.deepEqual(trouble.csp, [], `${what} broke its CSP`);
	assert.deepEqual(trouble.outside, [],
	    `${what} fetched from another origin`);
}

export async function goto(page, p) {
	return page.goto(BASE + p, { waitUntil: 'load' });
}

// The search results of the page, once #result-count says count (or any
// count when count is undefined): [data-id...].
export async function resultIds(page) {
	return page.$$eval('ul#results > li.result',
	    (els) => els.map((e) => e.getAttribute('data-id')));
}

export async function waitCount(page, count) {
	await page.waitForFunction((n) => {
		const el = document.querySelector('#result-count');
		if (!el || !el.hasAttribute('data-count'))
			return false;
		return n === undefined || el.getAttribute('data-count') === String(n);
	}, count, { timeout: 8000 }).catch(async () => {
		const now = await page.$eval('#result-count',
		    (e) => e.getAttribute('data-count')).catch(() => 'absent');
		assert.fail(`#result-count data-count is ${now}, want ${count}`);
	});
	return Number(await page.$eval('#result-count',
	    (e) => e.getAttribute('data-count')));
}

// Waits for the results list to hold exactly n items.
export async function waitResults(page, n) {
	await page.waitForFunction((k) =>
	    document.querySelectorAll('ul#results > li.result').length === k,
	    n, { timeout: 8000 }).catch(async () => {
		assert.fail(`ul#results holds ${(await resultIds(page)).length} ` +
		    `results, want ${n}`);
	});
	return resultIds(page);
}

// Signs in through /dang-nhap?next=<next>, as a person would.
export async function signInUi(page, user, next = '/') {
	await goto(page, `/dang-nhap?next=${encodeURIComponent(next)}`);
	await page.fill('input#email', user.email);
	await page.fill('input#password', user.password);
	await Promise.all([
		page.waitForURL((u) => u.pathname === next.split('?')[0],
		    { timeout: 8000 }),
		page.click('button#signin-submit'),
	]);
}

// axe-core run inside the page, through the debugging protocol (which the
// page's CSP does not govern, as a <script> would be); the serious and
// critical violations, printed.
export async function axeViolations(page) {
	await page.evaluate(AXE_SOURCE);
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact,
		    help: v.help, nodes: v.nodes.slice(0, 5).map((n) =>
		    `${n.target.join(' ')}: ${n.failureSummary}`) }));
	});
	return res.filter((v) => v.impact === 'serious' ||
	    v.impact === 'critical');
}

export async function screenshot(page, name) {
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}
