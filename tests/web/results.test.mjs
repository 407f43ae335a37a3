// The city results page /ket-qua (pages13.md "City results"): a year DOIT
// has closed, drawn as bars and a table, with small districts hidden.
// This file closes 2023, which no other test files reports for, and
// reopens it when done.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	API, assertNoTrouble, axeViolations, goto, launch, makeAdmin, newStaff,
	newUser, ok, openPage, screenshot,
} from './lib.mjs';

const YEAR = 2023;
// Ninh Kiều 4, Cái Răng 3, Bình Thủy 3, Ô Môn 1: Ô Môn is hidden, and so
// is Bình Thủy, the smallest of the rest (else the totals less the
// others would be Ô Môn's one enterprise). Cái Răng and Ninh Kiều show.
const PLAN = [['ninh_kieu', 4], ['cai_rang', 3], ['binh_thuy', 3], ['o_mon', 1]];
let browser;
let doit;

function report(energy) {
	return { year: YEAR, energy_saved_kwh: energy, water_saved_m3: 10,
	    waste_reduced_tonnes: 1, co2_reduced_tonnes: 2, investment_vnd: 1000,
	    iso14001_certified: false, measures: ['Thay đèn LED'] };
}

before(async () => {
	browser = await launch();
	doit = await newStaff(await makeAdmin(), 'doit');
	for (const [district, n] of PLAN) {
		for (let i = 0; i < n; i++) {
			const e = await newUser('enterprise', { district });
			await ok('POST', `${API}/cp-reports`,
			    { token: e.token, body: report(1000) }, [201]);
		}
	}
	await ok('POST', `${API}/cp-reports/years/${YEAR}/close`,
	    { token: doit.token }, [200]);
});

after(async () => {
	if (doit)
		await ok('POST', `${API}/cp-reports/years/${YEAR}/reopen`,
		    { token: doit.token }, [200]);
	await browser?.close();
});

describe('the city results page', () => {
	test('a closed year: chart, table, hidden districts, totals', async () => {
		const { context, page, trouble } = await openPage(browser,
		    { width: 360, height: 800 });
		const asked = [];
		page.on('request', (r) => {
			if (r.url().includes('/cp-reports/public'))
				asked.push(new URL(r.url()).pathname +
				    new URL(r.url()).search);
		});
		await goto(page, `/ket-qua?year=${YEAR}`);
		await page.waitForSelector('#cp-table');
		assert.equal(await page.inputValue('select#year'), String(YEAR));
		// The years come from the list, then only closed years' tables.
		assert.equal(asked[0], `${API}/cp-reports/public/years`);
		const years = (await ok('GET', `${API}/cp-reports/public/years`))
		    .json.items.map((y) => y.year);
		assert.deepEqual(asked.slice(1).sort(), years.map((y) =>
		    `${API}/cp-reports/public?year=${y}`).sort());

		const rows = await page.$$eval('#cp-table tbody tr', (trs) =>
		    trs.map((tr) => ({ key: tr.dataset.key,
		    hidden: tr.classList.contains('suppressed'),
		    text: tr.textContent })));
		assert.equal(rows.length, 28, 'one row a former district');
		const by = Object.fromEntries(rows.map((r) => [r.key, r]));
		for (const key of ['o_mon', 'binh_thuy', 'vinh_thanh'])
			assert.ok(by[key].hidden, `${key} is hidden`);
		assert.match(by.o_mon.text, /dưới 3 doanh nghiệp/);
		assert.ok(!by.ninh_kieu.hidden && !by.cai_rang.hidden);
		assert.match(by.ninh_kieu.text, /Ninh Kiều/);
		assert.match(by.ninh_kieu.text, /4\.000/, 'energy 4 × 1,000 kWh');

		// Bars for the shown districts only, largest first, labelled.
		const chart = await page.$eval('svg#cp-chart', (svg) => ({
			role: svg.getAttribute('role'),
			title: svg.querySelector('title')?.textContent || '',
			bars: svg.querySelectorAll('rect.bar').length,
			labels: [...svg.querySelectorAll('text.label')]
			    .map((t) => t.textContent),
		}));
		assert.equal(chart.role, 'img');
		assert.match(chart.title, new RegExp(String(YEAR)));
		assert.equal(chart.bars, 2);
		assert.deepEqual(chart.labels, ['Quận Ninh Kiều', 'Quận Cái Răng']);
		assert.match(await page.textContent('#cp-totals'), /11/);

		assert.deepEqual(await axeViolations(page), [],
		    'axe: serious or critical violations on /ket-qua');
		await screenshot(page, 'results-360.png');
		assertNoTrouble(trouble, '/ket-qua');
		await context.close();
	});
});
