// The needs page /nhu-cau (public) and the by-product board /phu-pham
// (members only): a filter form, a list, and "load more" with the cursor.
import { t, nameOf, num, money, day, byName } from './i18n.js';
import { api, ref, session } from './api.js';
import { h, clear, field, select, fillSelect, errorEl, badge, moreButton, onSettled } from './dom.js';

let needsFacets = true;

// A paged list bound to the URL: opts.read() -> query, opts.item(x) -> li;
// opts.get(query, signal) -> a page, when not GET opts.path.
export function pagedList(opts) {
	const get = opts.get || (async (query, signal) => (await api('GET', opts.path, { query, signal })).data);
	const list = h('ul', { id: opts.listId, class: 'cards' });
	const count = h('p', { id: 'result-count', class: 'result-count', 'aria-live': 'polite', 'aria-atomic': 'true' });
	const empty = h('div');
	const more = h('div', { class: 'more-slot' });
	const errBox = h('div');
	const area = h('section', { class: 'results-area', 'aria-labelledby': `${opts.listId}-heading` },
		h('h2', { id: `${opts.listId}-heading`, class: 'visually-hidden' }, opts.heading),
		h('div', { class: 'results-bar' }, count), errBox, list, empty, more);
	let seq = 0;
	let controller = null;

	function paintMore(query, cursor) {
		const my = seq;
		moreButton(more, list, opts.item, (c) => get({ ...query, cursor: c }, opts.signal), errBox, cursor, () => my === seq);
	}

	async function load() {
		const my = ++seq;
		if (controller) controller.abort();
		controller = new AbortController();
		opts.signal.addEventListener('abort', () => controller.abort(), { once: true });
		const query = { ...opts.read(), limit: 20 };
		area.setAttribute('aria-busy', 'true');
		clear(errBox);
		try {
			let data;
			let total = null;
			if (opts.facets && needsFacets) {
				try {
					({ data } = await api('GET', opts.path, { query: { ...query, facets: 'true' }, signal: controller.signal }));
					if (data.facets && Number.isInteger(data.facets.total)) total = data.facets.total;
				} catch (e) {
					if (e.status !== 400) throw e;
					needsFacets = false;
				}
			}
			if (!data) data = await get(query, controller.signal);
			await opts.ready;
			if (my !== seq) return;
			if (total === null && !data.next_cursor) total = data.items.length;
			if (total !== null) {
				count.dataset.count = String(total);
				count.textContent = opts.countText(num(total));
			} else {
				delete count.dataset.count;
				count.textContent = `${opts.countText(`${num(data.items.length)}+`)}`;
			}
			clear(list).append(...data.items.map(opts.item));
			clear(empty);
			if (!data.items.length) empty.append(h('p', { class: 'empty-state', id: 'empty-state' }, opts.emptyText));
			if (opts.after) opts.after(data);
			paintMore(query, data.next_cursor);
		} catch (e) {
			if (e.name === 'AbortError' || my !== seq) return;
			clear(list);
			clear(more);
			clear(errBox).append(errorEl(e, load));
		} finally {
			if (my === seq) area.removeAttribute('aria-busy');
		}
	}
	return { area, load, errBox };
}

export async function renderNeeds(root, ctx) {
	ctx.setTitle(t('navNeeds'));
	let refs = null;
	const ready = Promise.all([ref('categories'), ref('sectors'), ref('districts')])
		.then(([category, sector, district]) => { refs = { category, sector, district }; })
		.catch(() => { refs = { category: new Map(), sector: new Map(), district: new Map() }; });
	const q = h('input', { id: 'q', name: 'q', type: 'search', autocomplete: 'off' });
	const cat = select('f-category', [['', t('any')]]);
	const urlState = () => {
		const p = new URLSearchParams(location.search);
		return { q: (p.get('q') || '').trim(), category: p.get('category') || '' };
	};
	const item = (n) => {
		const c = refs.category.get(n.category);
		const s = refs.sector.get(n.sector);
		const d = refs.district.get(n.district);
		const ent = n.enterprise || {};
		return h('li', { class: 'need card', 'data-id': n.id },
			h('h3', null, n.title),
			h('p', { class: 'result-vendor' }, ent.name || '', ent.verified ? [' ', badge('badge-verified', t('verified'))] : null),
			n.description ? h('p', { class: 'prose' }, n.description) : null,
			h('p', { class: 'result-meta' },
				h('span', null, c ? nameOf(c) : n.category),
				s ? h('span', null, nameOf(s)) : null,
				d ? h('span', null, nameOf(d)) : null),
			h('p', { class: 'result-meta' },
				n.budget_max_vnd != null ? h('span', { class: 'result-price' }, t('needBudget', money(n.budget_max_vnd))) : null,
				n.deadline ? h('span', null, t('needDeadline', day(n.deadline))) : null));
	};
	const pl = pagedList({
		listId: 'needs', heading: t('needsTitle'), path: '/needs', facets: true, signal: ctx.signal, ready,
		read: urlState, item, countText: (n) => t('needsCountLive', n), emptyText: t('needsEmpty'),
		after: (data) => {
			facet = data.facets && data.facets.category;
			paint();
		},
	});
	const form = h('form', { id: 'needs-form', role: 'search', class: 'search-form', 'aria-label': t('needsTitle') },
		h('div', { class: 'search-box' },
			h('label', { for: 'q', class: 'search-label' }, t('q')),
			h('div', { class: 'search-row' }, q, h('button', { type: 'submit', id: 'search-submit', class: 'btn' }, t('searchSubmit')))),
		h('div', { class: 'toolbar' }, field(t('category'), cat)));
	let facet = null; // the category counts of the last answer
	const paint = () => {
		const s = urlState();
		q.value = s.q;
		const opts = [['', t('any')]];
		if (refs) {
			for (const c of byName(refs.category)) {
				opts.push([c.code, facet ? `${nameOf(c)} (${num(facet[c.code] || 0)})` : nameOf(c)]);
			}
		}
		fillSelect(cat, opts, s.category);
	};
	const go = () => {
		const p = new URLSearchParams();
		if (q.value.trim()) p.set('q', q.value.trim());
		if (cat.value) p.set('category', cat.value);
		const url = p.toString() ? `/nhu-cau?${p}` : '/nhu-cau';
		if (url !== location.pathname + location.search) ctx.push(url);
		pl.load();
	};
	form.addEventListener('submit', (ev) => { ev.preventDefault(); go(); });
	onSettled(cat, go);
	clear(root).append(h('h1', null, t('needsTitle')), h('p', null, t('needsIntro')), form, pl.area);
	paint();
	await Promise.all([ready.then(paint), pl.load()]);
	return { popstate() { paint(); pl.load(); } };
}

export async function renderByproducts(root, ctx) {
	ctx.setTitle(t('bpTitle'));
	clear(root).append(h('h1', null, t('bpTitle')), h('p', null, t('bpIntro')));
	if (!session()) {
		root.append(h('div', { id: 'signin-required', class: 'notice' },
			h('p', null, t('bpSigninRequired')),
			h('a', { class: 'btn', href: `/dang-nhap?next=${encodeURIComponent('/phu-pham')}` }, t('signIn'))));
		return null;
	}
	let refs = null;
	const ready = Promise.all([ref('materials'), ref('districts')])
		.then(([material, district]) => { refs = { material, district }; })
		.catch(() => { refs = { material: new Map(), district: new Map() }; });
	const kindOf = () => {
		const k = new URLSearchParams(location.search).get('kind');
		return k === 'offer' || k === 'want' ? k : '';
	};
	const kind = select('f-kind', [['', t('any')], ['offer', t('kindOffer')], ['want', t('kindWant')]], kindOf());
	const item = (b) => {
		const m = b.material_code && refs.material.get(b.material_code);
		const d = refs.district.get(b.district);
		const org = b.organization || {};
		return h('li', { class: 'byproduct card', 'data-id': b.id, 'data-kind': b.kind },
			h('p', null, badge(`badge-${b.kind === 'offer' ? 'offer' : 'want'}`, b.kind === 'offer' ? t('kindOffer') : t('kindWant'))),
			h('h3', null, b.material),
			h('p', { class: 'result-meta' },
				h('span', { class: 'result-price' }, t('bpQuantity', num(b.quantity_tonnes_per_month, 2))),
				m ? h('span', null, nameOf(m)) : null,
				d ? h('span', null, nameOf(d)) : null,
				b.available_until ? h('span', null, t('bpUntil', day(b.available_until))) : null),
			h('p', { class: 'result-vendor' }, org.name || '', org.verified ? [' ', badge('badge-verified', t('verified'))] : null),
			b.description ? h('p', { class: 'prose' }, b.description) : null);
	};
	const pl = pagedList({
		listId: 'byproducts', heading: t('bpTitle'), path: '/byproducts', facets: false, signal: ctx.signal, ready,
		read: () => ({ kind: kindOf() }), item, countText: (n) => t('bpCount', n), emptyText: t('bpEmpty'),
	});
	onSettled(kind, () => {
		ctx.push(kind.value ? `/phu-pham?kind=${kind.value}` : '/phu-pham');
		pl.load();
	});
	root.append(h('div', { class: 'toolbar' }, field(t('kind'), kind)), pl.area);
	await pl.load();
	return { popstate() { kind.value = kindOf(); pl.load(); } };
}
