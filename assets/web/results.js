// The city's cleaner-production results /ket-qua: the public table of a
// closed year, as a bar chart drawn here in SVG and a table beside it.
import { t, nameOf, num, money, day } from './i18n.js';
import { api } from './api.js';
import { h, clear, field, select, loadingEl, errorEl, onSettled } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const METRICS = [
	['energy_saved_kwh', 'cpEnergy'], ['water_saved_m3', 'cpWater'], ['waste_reduced_tonnes', 'cpWaste'],
	['co2_reduced_tonnes', 'cpCo2'], ['reports', 'cpReports'],
];

function s(tag, attrs, text) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
	if (text !== undefined) el.textContent = text;
	return el;
}

// The closed years, newest first (the API lists them), each with its
// public table.
async function closedYears(signal) {
	const { data } = await api('GET', '/cp-reports/public/years', { signal, auth: false });
	const answers = await Promise.all(data.items.map((y) => api('GET', '/cp-reports/public', { query: { year: y.year }, signal, auth: false })
		.then((r) => [y.year, r.data], (e) => {
			if (e.name === 'AbortError') throw e;
			// Reopened since it was listed: no longer public.
			if (e.status === 404) return [y.year, null];
			throw e;
		})));
	return new Map(answers.filter(([, d]) => d));
}

function chart(data, metric, label, width) {
	const rows = data.groups.filter((g) => !g.suppressed && g[metric] != null)
		.sort((a, b) => b[metric] - a[metric]);
	// The drawing is as wide as its box, so that its text stays readable.
	const W = Math.min(960, Math.max(300, Math.round(width) || 640));
	const LABEL = W < 560 ? 135 : 220;
	const ROW = 26;
	const TOP = 8;
	const H = TOP * 2 + Math.max(rows.length, 1) * ROW;
	const max = Math.max(1, ...rows.map((g) => g[metric]));
	const svg = s('svg', {
		id: 'cp-chart', role: 'img', viewBox: `0 0 ${W} ${H}`, 'aria-labelledby': 'cp-chart-title',
	});
	svg.append(s('title', { id: 'cp-chart-title' }, t('cpChartTitle', label, data.year)));
	if (!rows.length) {
		svg.append(s('text', { x: 8, y: TOP + 16, class: 'label' }, t('cpNoData')));
		return svg;
	}
	const room = W - LABEL - 95;
	rows.forEach((g, i) => {
		const y = TOP + i * ROW;
		const w = Math.max(2, (g[metric] / max) * room);
		svg.append(
			s('text', { x: LABEL - 8, y: y + 17, 'text-anchor': 'end', class: 'label' }, nameOf(g)),
			s('rect', { x: LABEL, y: y + 4, width: w.toFixed(1), height: ROW - 8, rx: 3, class: 'bar' }),
			s('text', { x: LABEL + w + 6, y: y + 17, class: 'value' }, num(g[metric], 1)),
		);
	});
	return svg;
}

function figures(g) {
	return [
		num(g.reports), num(g.iso14001), num(g.energy_saved_kwh, 1), num(g.water_saved_m3, 1),
		num(g.waste_reduced_tonnes, 2), num(g.co2_reduced_tonnes, 2), money(g.investment_vnd),
		g.median_saving_pct == null ? '—' : `${num(g.median_saving_pct, 1)}%`,
	];
}

function table(data) {
	const heads = ['cpDistrict', 'cpReports', 'cpIso', 'cpEnergy', 'cpWater', 'cpWaste', 'cpCo2', 'cpInvestment', 'cpMedian'];
	const body = data.groups.map((g) => (g.suppressed
		? h('tr', { class: 'suppressed', 'data-key': g.key },
			h('th', { scope: 'row' }, nameOf(g)), h('td', { colspan: heads.length - 1 }, t('cpSuppressed')))
		: h('tr', { 'data-key': g.key }, h('th', { scope: 'row' }, nameOf(g)), figures(g).map((x) => h('td', null, x)))));
	return h('div', { class: 'table-wrap', role: 'region', tabindex: 0, 'aria-labelledby': 'cp-table-caption' },
		h('table', { id: 'cp-table' },
			h('caption', { id: 'cp-table-caption' }, t('cpTableCaption', data.year)),
			h('thead', null, h('tr', null, heads.map((k) => h('th', { scope: 'col' }, t(k))))),
			h('tbody', null, body),
			data.totals && !data.totals.suppressed
				? h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, t('cpTotals')), figures(data.totals).map((x) => h('td', null, x))))
				: null));
}

function totals(data) {
	const tt = data.totals || {};
	const box = h('dl', { id: 'cp-totals', class: 'totals' });
	if (tt.suppressed) {
		box.append(h('div', null, h('dt', null, t('cpTotals')), h('dd', null, t('cpSuppressed'))));
		return box;
	}
	const items = [
		['cpReports', num(tt.reports)], ['cpEnergy', num(tt.energy_saved_kwh, 1)], ['cpWater', num(tt.water_saved_m3, 1)],
		['cpWaste', num(tt.waste_reduced_tonnes, 2)], ['cpCo2', num(tt.co2_reduced_tonnes, 2)], ['cpInvestment', money(tt.investment_vnd)],
	];
	for (const [k, v] of items) box.append(h('div', null, h('dt', null, t(k)), h('dd', null, v)));
	return box;
}

export async function render(root, ctx) {
	ctx.setTitle(t('cpTitle'));
	clear(root).append(h('h1', null, t('cpTitle')), h('p', null, t('cpIntro')), loadingEl());
	let years;
	try {
		years = await closedYears(ctx.signal);
	} catch (e) {
		if (e.name === 'AbortError') return null;
		root.lastChild.replaceWith(errorEl(e, () => render(root, ctx)));
		return null;
	}
	const body = h('div');
	root.lastChild.replaceWith(body);
	if (!years.size) {
		body.append(h('p', { id: 'cp-none', class: 'notice' }, t('cpNone')));
		return null;
	}
	const list = Array.from(years.keys()).sort((a, b) => b - a);
	const pick = () => {
		const y = Number(new URLSearchParams(location.search).get('year'));
		return years.has(y) ? y : list[0];
	};
	const yearSel = select('year', list.map((y) => [String(y), String(y)]), pick());
	const metricSel = h('select', { id: 'metric' }, METRICS.map(([k, l]) => h('option', { value: k }, t(l))));
	const view = h('div');
	const paint = () => {
		const data = years.get(Number(yearSel.value));
		const [metric, label] = METRICS.find(([k]) => k === metricSel.value) || METRICS[0];
		clear(view).append(
			h('p', { class: 'hint' }, t('cpClosedAt', day(data.closed_at)), ' ', t('cpSuppressedNote')),
			h('h2', null, t('cpTotals')),
			totals(data),
			h('div', { class: 'chart-wrap' }, chart(data, metric, t(label), view.clientWidth - 26)),
			table(data),
		);
	};
	onSettled(yearSel, () => {
		ctx.push(`/ket-qua?year=${yearSel.value}`);
		paint();
	});
	metricSel.addEventListener('change', paint);
	body.append(h('div', { class: 'toolbar no-print' }, field(t('year'), yearSel), field(t('metric'), metricSel)), view);
	paint();
	return { popstate() { yearSel.value = String(pick()); paint(); } };
}
