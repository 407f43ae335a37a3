// The search page "/": the URL holds the search (the API's own parameter
// names), every change pushes a history entry and reloads the results.
import { t, nameOf, money, num, priceRange, byName } from './i18n.js';
import { api, ref } from './api.js';
import { h, clear, field, select, fillSelect, errorEl, badge, moreButton, onSettled } from './dom.js';

const FILTERS = ['category', 'sector', 'district', 'trl_min', 'price_max_vnd'];
const CHECKS = ['funding_eligible', 'verified'];
const PRICES = [100000000, 500000000, 1000000000, 5000000000];
const LIMIT = 20;

// The search from a query string: only known names and sane values.
export function readState(search) {
	const p = new URLSearchParams(search);
	const s = { q: (p.get('q') || '').trim() };
	for (const k of FILTERS) s[k] = p.get(k) || '';
	if (!/^[1-9]$/.test(s.trl_min)) s.trl_min = '';
	if (!PRICES.includes(Number(s.price_max_vnd))) s.price_max_vnd = '';
	for (const k of CHECKS) s[k] = p.get(k) === 'true';
	const sorts = s.q ? ['relevance', 'newest', 'price_asc', 'price_desc'] : ['newest', 'price_asc', 'price_desc'];
	s.sort = sorts.includes(p.get('sort')) ? p.get('sort') : sorts[0];
	return s;
}

function defaultSort(s) {
	return s.q ? 'relevance' : 'newest';
}

export function toQuery(s) {
	const p = new URLSearchParams();
	if (s.q) p.set('q', s.q);
	for (const k of FILTERS) if (s[k]) p.set(k, s[k]);
	for (const k of CHECKS) if (s[k]) p.set(k, 'true');
	if (s.sort && s.sort !== defaultSort(s)) p.set('sort', s.sort);
	return p;
}

function urlOf(s) {
	const q = toQuery(s).toString();
	return q ? `/?${q}` : '/';
}

export async function render(root, ctx) {
	let state = readState(location.search);
	const title = () => ctx.setTitle(state.q ? `${state.q} · ${t('navSearch')}` : t('navSearch'));
	title();
	let refs = null;
	let lastFacets = null;
	let seq = 0;
	let controller = new AbortController();
	// The page and its facets are two requests, asked for at once: the
	// results show as soon as they come, while the counts over every
	// row the filters keep, which take longer on a large market, follow.
	// The first pair is asked for before the page is drawn.
	const ask = (signal) => {
		const pair = [
			api('GET', '/technologies', { query: baseQuery(), signal }),
			api('GET', '/technologies', { query: { ...baseQuery(), facets: 'true', limit: 1 }, signal }),
		];
		pair.forEach((p) => p.catch(() => {}));
		return pair;
	};
	let first = ask(controller.signal);
	const refsP = Promise.all([ref('categories'), ref('sectors'), ref('districts')])
		.then(([category, sector, district]) => {
			refs = { category, sector, district };
		})
		.catch(() => {
			refs = { category: new Map(), sector: new Map(), district: new Map() };
		});

	const q = h('input', {
		id: 'q', name: 'q', type: 'search', autocomplete: 'off', spellcheck: 'false',
		placeholder: t('qPlaceholder'), 'aria-describedby': 'q-hint',
	});
	const selects = {
		category: select('f-category', [['', t('any')]]),
		sector: select('f-sector', [['', t('any')]]),
		district: select('f-district', [['', t('any')]]),
		trl_min: select('f-trl_min', [['', t('any')]]),
		price_max_vnd: select('f-price_max_vnd', [['', t('any')]]),
	};
	const checks = {};
	const checkLabels = {};
	for (const k of CHECKS) {
		checks[k] = h('input', { type: 'checkbox', id: `f-${k}`, name: k, value: 'true' });
		checkLabels[k] = h('span', { class: 'count' });
	}
	const sortSel = h('select', { id: 'sort', name: 'sort' });
	const activeEl = h('span', { class: 'count' });
	const activeCount = () => FILTERS.filter((k) => state[k]).length + CHECKS.filter((k) => state[k]).length;
	let filterBox;

	const form = h('form', {
		id: 'search-form', role: 'search', class: 'search-form', 'aria-label': t('navSearch'), action: '/', method: 'get',
	},
	h('div', { class: 'search-box' },
		h('label', { for: 'q', class: 'search-label' }, t('q')),
		h('div', { class: 'search-row' }, q,
			h('button', { type: 'submit', id: 'search-submit', class: 'btn' }, t('searchSubmit'))),
		h('p', { class: 'hint', id: 'q-hint' }, t('searchIntro'))),
	filterBox = h('details', { class: 'filters', open: true },
		h('summary', null, t('filters'), ' ', activeEl),
		h('div', { class: 'filter-grid' },
			field(t('category'), selects.category),
			field(t('sector'), selects.sector),
			field(t('district'), selects.district),
			field(t('trlMin'), selects.trl_min),
			field(t('priceMax'), selects.price_max_vnd)),
		h('div', { class: 'checks' },
			...CHECKS.map((k) => h('div', { class: 'check' }, checks[k],
				h('label', { for: `f-${k}` }, t(k === 'verified' ? 'verifiedOnly' : 'fundingEligible'), ' ', checkLabels[k]))))));
	// On a phone the filters start folded unless some are in use.
	if (window.matchMedia('(max-width: 40rem)').matches && !activeCount()) filterBox.open = false;

	const count = h('p', { id: 'result-count', class: 'result-count', 'aria-live': 'polite', 'aria-atomic': 'true' });
	const sugBox = h('div', { class: 'suggestion-box' });
	const list = h('ul', { id: 'results', class: 'results', 'aria-labelledby': 'results-heading' });
	const empty = h('div', { class: 'empty-slot' });
	const more = h('div', { class: 'more-slot' });
	const errBox = h('div', { class: 'error-slot' });
	const resultsSec = h('section', { class: 'results-area', 'aria-labelledby': 'results-heading' },
		h('h2', { id: 'results-heading', class: 'visually-hidden' }, t('resultsLabel')),
		h('div', { class: 'results-bar' }, count,
			h('div', { class: 'field field-inline' }, h('label', { for: 'sort' }, t('sort')), sortSel)),
		sugBox, errBox, list, empty, more);

	clear(root).append(
		h('h1', null, t('searchTitle')),
		h('div', { class: 'search-layout' }, form, resultsSec),
	);

	function paintForm() {
		q.value = state.q;
		for (const k of FILTERS) selects[k].value = state[k];
		for (const k of CHECKS) checks[k].checked = state[k];
		const n = activeCount();
		activeEl.textContent = n ? `(${t('activeFilters', n)})` : '';
		if (n) filterBox.open = true;
		paintSort();
	}

	function paintSort() {
		const opts = [['newest', t('sortNewest')], ['price_asc', t('sortPriceAsc')], ['price_desc', t('sortPriceDesc')]];
		if (q.value.trim()) opts.unshift(['relevance', t('sortRelevance')]);
		fillSelect(sortSel, opts, state.sort);
	}

	const withCount = (label, n) => (n === undefined ? label : `${label} (${num(n)})`);

	// Options with the facet counts of the last answer (none when absent).
	function paintOptions() {
		const f = lastFacets || {};
		if (refs) {
			for (const k of ['category', 'sector', 'district']) {
				const facet = f[k];
				const opts = [['', t('any')]];
				for (const item of byName(refs[k])) {
					opts.push([item.code, withCount(nameOf(item), facet ? facet[item.code] || 0 : undefined)]);
				}
				fillSelect(selects[k], opts, state[k]);
			}
		}
		const trl = [['', t('any')]];
		for (let n = 9; n >= 1; n--) {
			let c;
			if (f.trl) {
				c = 0;
				for (let m = n; m <= 9; m++) c += f.trl[String(m)] || 0;
			}
			trl.push([String(n), withCount(t('trlAtLeast', n), c)]);
		}
		fillSelect(selects.trl_min, trl, state.trl_min);
		const price = [['', t('any')]];
		for (const p of PRICES) {
			price.push([String(p), withCount(t('priceUpTo', money(p)), f.price_max_vnd ? f.price_max_vnd[String(p)] || 0 : undefined)]);
		}
		fillSelect(selects.price_max_vnd, price, state.price_max_vnd);
		for (const k of CHECKS) {
			checkLabels[k].textContent = f[k] ? `(${num(f[k].true || 0)})` : '';
		}
	}

	function totalOf(facets, items) {
		if (facets && Number.isInteger(facets.total)) return facets.total;
		if (facets && facets.category) return Object.values(facets.category).reduce((a, b) => a + b, 0);
		return items.length;
	}

	function item(tech) {
		const cat = refs && refs.category.get(tech.category);
		const funded = tech.funding && tech.funding.eligible;
		return h('li', { class: 'result', 'data-id': tech.id },
			h('h3', { class: 'result-title' }, h('a', { class: 'result-link', href: `/cong-nghe/${encodeURIComponent(tech.id)}` }, tech.title)),
			h('p', { class: 'result-vendor' },
				h('span', { class: 'visually-hidden' }, `${t('vendor')}: `),
				h('span', { class: 'vendor-name' }, tech.vendor ? tech.vendor.name : ''),
				tech.vendor && tech.vendor.verified ? [' ', badge('badge-verified', t('verified'))] : null),
			tech.summary ? h('p', { class: 'result-summary' }, tech.summary) : null,
			h('p', { class: 'result-meta' },
				h('span', { class: 'result-category' }, cat ? nameOf(cat) : tech.category),
				h('span', { class: 'result-trl' }, `TRL ${tech.trl}`)),
			h('p', { class: 'result-meta' },
				h('span', { class: 'result-price' }, priceRange(tech.price_min_vnd, tech.price_max_vnd)),
				funded ? badge('badge-funding', t('fundingBadge')) : null));
	}

	function suggestionLink(s) {
		const next = { ...state, q: s, sort: '' };
		return h('p', { class: 'suggestion' }, t('didYouMean'), ' ',
			h('a', { id: 'suggestion', href: urlOf(next), lang: 'vi' }, s));
	}

	function paintMore(cursor) {
		const my = seq;
		moreButton(more, list, item, async (c) => (await api('GET', '/technologies', {
			query: { ...baseQuery(), cursor: c }, signal: ctx.signal,
		})).data, errBox, cursor, () => my === seq);
	}

	function baseQuery() {
		const p = Object.fromEntries(toQuery(state));
		if (!p.sort) p.sort = defaultSort(state);
		p.limit = LIMIT;
		return p;
	}

	async function load() {
		const my = ++seq;
		const pre = first;
		first = null;
		if (!pre) {
			controller.abort();
			controller = new AbortController();
		}
		const signal = controller.signal;
		const [itemsP, facetsP] = pre || ask(signal);
		resultsSec.setAttribute('aria-busy', 'true');
		clear(errBox);
		// Until this search's count is in, no count is claimed.
		delete count.dataset.count;
		try {
			const { data } = await itemsP;
			await refsP;
			if (my !== seq) return;
			clear(list).append(...data.items.map(item));
			// The lists get their options now, their counts with the facets.
			lastFacets = null;
			paintOptions();
			clear(sugBox);
			clear(empty);
			const sug = typeof data.suggestion === 'string' && data.suggestion && data.suggestion !== state.q ? data.suggestion : null;
			if (data.items.length === 0) {
				const anyFilter = FILTERS.some((k) => state[k]) || CHECKS.some((k) => state[k]);
				const clearBtn = h('button', { type: 'button', id: 'clear-filters', class: 'btn btn-secondary' }, t('clearFilters'));
				clearBtn.addEventListener('click', () => {
					const next = { q: anyFilter ? state.q : '' };
					for (const k of FILTERS) next[k] = '';
					for (const k of CHECKS) next[k] = false;
					next.sort = defaultSort(next);
					go(next);
					q.focus();
				});
				empty.append(h('div', { id: 'empty-state', class: 'empty-state' },
					h('h3', null, t('emptyTitle')),
					sug ? suggestionLink(sug) : null,
					h('p', null, t('emptyAdvice')),
					clearBtn));
			} else if (sug) {
				sugBox.append(suggestionLink(sug));
			}
			paintMore(data.next_cursor);
			// Facets that fail leave the options without counts.
			const facets = await facetsP.then((r) => r.data.facets || null, () => null);
			if (my !== seq) return;
			lastFacets = facets;
			paintOptions();
			const n = totalOf(facets, data.items);
			count.dataset.count = String(n);
			count.textContent = t('resultCount', num(n));
		} catch (e) {
			if (e.name === 'AbortError' || my !== seq) return;
			clear(list);
			clear(more);
			count.textContent = '';
			delete count.dataset.count;
			errBox.append(errorEl(e, load));
		} finally {
			if (my === seq) resultsSec.removeAttribute('aria-busy');
		}
	}

	function fromForm() {
		const s = { q: q.value.trim() };
		// A list whose options are not drawn yet still means the URL's filter.
		for (const k of FILTERS) {
			const drawn = Array.from(selects[k].options).some((o) => o.value === state[k]);
			s[k] = selects[k].value || (drawn ? '' : state[k]);
		}
		for (const k of CHECKS) s[k] = checks[k].checked;
		s.sort = sortSel.value;
		if (s.sort === 'relevance' && !s.q) s.sort = 'newest';
		return s;
	}

	function go(next) {
		// A query text brings relevance order in, and takes it away.
		if (next.q && !state.q && next.sort === 'newest') next.sort = 'relevance';
		if (!next.q && next.sort === 'relevance') next.sort = 'newest';
		state = next;
		title();
		const url = urlOf(state);
		if (url !== location.pathname + location.search) ctx.push(url);
		paintForm();
		return load();
	}

	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		go(fromForm());
	});
	// Check boxes search at once; lists once the choice has settled.
	form.addEventListener('change', (ev) => {
		if (ev.target === q || ev.target.tagName === 'SELECT') return;
		go(fromForm());
	});
	for (const el of [...Object.values(selects), sortSel]) onSettled(el, () => go(fromForm()));
	q.addEventListener('input', () => {
		const had = Array.from(sortSel.options).some((o) => o.value === 'relevance');
		if (had !== Boolean(q.value.trim())) paintSort();
	});

	ctx.signal.addEventListener('abort', () => controller.abort());
	paintForm();
	paintOptions();
	await load();

	return {
		popstate() {
			state = readState(location.search);
			title();
			paintForm();
			paintOptions();
			load();
		},
	};
}
