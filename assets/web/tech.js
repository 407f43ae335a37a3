// One technology: /cong-nghe/{id}. Everything public about the listing, the
// open needs of its category, and the quote request for enterprises.
import { t, nameOf, num, priceRange, day } from './i18n.js';
import { api, ref, session, idempotencyKey } from './api.js';
import { h, clear, field, loadingEl, errorEl, badge } from './dom.js';

let needsFacets = true; // false once the API said it has no facets for needs

async function openNeeds(category, signal) {
	if (needsFacets) {
		try {
			const { data } = await api('GET', '/needs', { query: { category, facets: 'true', limit: 1 }, signal, auth: false });
			if (data.facets && Number.isInteger(data.facets.total)) return data.facets.total;
		} catch (e) {
			if (e.name === 'AbortError' || e.status !== 400) throw e;
		}
		needsFacets = false;
	}
	const { data } = await api('GET', '/needs', { query: { category, limit: 100 }, signal, auth: false });
	return data.next_cursor ? null : data.items.length;
}

function panel(title, ...content) {
	return h('section', { class: 'panel' }, h('h2', null, title), ...content);
}

export async function render(root, ctx) {
	const id = ctx.params[0];
	clear(root).append(loadingEl());
	let tech;
	let refs;
	try {
		const [res, category, sectors, programs] = await Promise.all([
			api('GET', `/technologies/${encodeURIComponent(id)}`, { signal: ctx.signal }),
			ref('categories'), ref('sectors'), ref('funding-programs').catch(() => new Map()),
		]);
		tech = res.data;
		refs = { category, sectors, programs };
	} catch (e) {
		if (e.name === 'AbortError') return null;
		if (e.status === 404 || e.status === 400) {
			ctx.notFound();
			return null;
		}
		clear(root).append(errorEl(e, () => render(root, ctx)));
		return null;
	}
	ctx.setTitle(tech.title);

	const v = tech.vendor || {};
	const b = tech.benefits || {};
	const benefits = [
		b.energy_saving_pct != null && t('energySaving', num(b.energy_saving_pct)),
		b.water_saving_pct != null && t('waterSaving', num(b.water_saving_pct)),
		b.waste_reduction_pct != null && t('wasteReduction', num(b.waste_reduction_pct)),
		b.co2_reduction_tonnes_per_year != null && t('co2Reduction', num(b.co2_reduction_tonnes_per_year)),
	].filter(Boolean);
	const certs = tech.certifications || [];
	const sectorNames = (tech.sectors || []).map((c) => nameOf(refs.sectors.get(c)) || c);
	const cat = refs.category.get(tech.category);

	const needsLink = h('a', { id: 'tech-needs-count', href: `/nhu-cau?category=${encodeURIComponent(tech.category)}` }, t('loading'));
	const quote = h('div', { class: 'quote-slot' });

	clear(root).append(
		h('p', { class: 'crumbs' }, h('a', { href: '/' }, `← ${t('backToSearch')}`)),
		h('div', { class: 'tech-head' },
			h('h1', { id: 'tech-title' }, tech.title),
			h('p', null,
				h('span', { class: 'visually-hidden' }, `${t('vendor')}: `),
				h('strong', { id: 'tech-vendor' }, v.name || ''), ' ',
				h('span', { id: 'tech-verified', class: `badge ${v.verified ? 'badge-verified' : 'badge-unverified'}` },
					v.verified ? t('verifiedVendor') : t('unverifiedVendor')))),
		h('div', { class: 'tech-layout' },
			h('div', { class: 'tech-main' },
				panel(t('techSummary'), h('p', { id: 'tech-summary', class: 'lead prose' }, tech.summary)),
				panel(t('techDescription'), h('div', { id: 'tech-description', class: 'prose' }, tech.description || t('noDescription'))),
				panel(t('techBenefits'), h('div', { id: 'tech-benefits' },
					benefits.length ? h('ul', { class: 'plain-list' }, benefits.map((x) => h('li', null, x))) : h('p', null, t('noBenefits')))),
				panel(t('techCertifications'), h('div', { id: 'tech-certifications' },
					certs.length ? h('ul', { class: 'plain-list' }, certs.map((x) => h('li', null, x))) : h('p', null, t('noCertifications'))))),
			h('div', { class: 'tech-side' },
				h('section', { class: 'panel', 'aria-label': t('techFacts') },
					h('dl', { class: 'facts' },
						h('dt', null, t('category')), h('dd', { id: 'tech-category' }, cat ? nameOf(cat) : tech.category),
						h('dt', null, t('techSectors')), h('dd', { id: 'tech-sectors' }, sectorNames.length ? sectorNames.join(', ') : t('noSectors')),
						h('dt', null, t('techTrl')), h('dd', { id: 'tech-trl' }, t('trlValue', tech.trl)),
						h('dt', null, t('techPrice')), h('dd', { id: 'tech-price' }, priceRange(tech.price_min_vnd, tech.price_max_vnd)))),
				panel(t('techFunding'), fundingEl(tech.funding, refs.programs)),
				panel(t('techNeeds'), h('p', null, needsLink)),
				h('section', { class: 'panel no-print', 'aria-labelledby': 'quote-heading' },
					h('h2', { id: 'quote-heading' }, t('quoteTitle')), quote),
				h('p', { class: 'no-print' },
					h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => window.print() }, t('print'))))),
		h('p', { class: 'print-url' }, location.href),
	);

	paintQuote(quote, tech);
	openNeeds(tech.category, ctx.signal).then((n) => {
		if (n === null) {
			needsLink.textContent = t('needsUnknown');
		} else {
			needsLink.dataset.count = String(n);
			needsLink.textContent = t('needsCount', num(n));
		}
	}, (e) => {
		if (e.name !== 'AbortError') needsLink.textContent = t('needsUnknown');
	});
	return null;
}

function fundingEl(f, programs) {
	const box = h('div', { id: 'tech-funding' });
	if (!f || !f.eligible) {
		box.append(h('p', { 'data-eligible': 'false' }, t('fundingNo')));
		return box;
	}
	const list = Array.isArray(f.programs) && f.programs.length ? f.programs
		: [{ program_code: f.program_code, max_support_pct: f.max_support_pct, valid_until: f.valid_until }];
	box.append(
		h('p', { 'data-eligible': 'true' }, badge('badge-funding', t('fundingEligible'))),
		h('ul', { class: 'plain-list' }, list.map((p) => {
			const prog = programs.get(p.program_code);
			return h('li', { 'data-program': p.program_code },
				t('fundingProgram', prog ? nameOf(prog) : p.program_code, num(p.max_support_pct)),
				p.valid_until ? t('fundingUntil', day(p.valid_until)) : t('fundingNoEnd'));
		})),
	);
	return box;
}

function paintQuote(slot, tech) {
	const s = session();
	const next = `/dang-nhap?next=${encodeURIComponent(location.pathname)}`;
	if (!s || s.account.role !== 'enterprise') {
		slot.append(h('p', null, h('a', { id: 'quote-signin', href: next }, s ? t('quoteOnlyEnterprise') : t('quoteSignin'))));
		return;
	}
	const msg = h('textarea', { id: 'quote-message', name: 'message', required: true, maxlength: 5000, rows: 5 });
	const qty = h('input', { id: 'quote-quantity', name: 'quantity', type: 'number', min: 1, max: 1000000, step: 1, inputmode: 'numeric' });
	const submit = h('button', { type: 'submit', id: 'quote-submit', class: 'btn' }, t('quoteSubmit'));
	const result = h('div', { id: 'quote-result', role: 'status' });
	const form = h('form', { id: 'quote-form', novalidate: true },
		field(t('quoteMessage'), msg, t('quoteMessageHint')),
		field(t('quoteQuantity'), qty),
		submit, result);
	let attempt = null; // {key, body}: a retry of the same request keeps its key
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clear(result);
		const body = { technology_id: tech.id, message: msg.value.trim() };
		if (qty.value.trim()) body.quantity = Number(qty.value);
		if (!body.message) {
			msg.setAttribute('aria-invalid', 'true');
			result.append(h('p', { class: 'notice notice-error' }, t('quoteMessageHint')));
			msg.focus();
			return;
		}
		msg.removeAttribute('aria-invalid');
		const text = JSON.stringify(body);
		if (!attempt || attempt.body !== text) attempt = { key: idempotencyKey(), body: text };
		submit.disabled = true;
		submit.textContent = t('sending');
		try {
			await api('POST', '/quote-requests', { body, headers: { 'Idempotency-Key': attempt.key } });
			attempt = null;
			form.reset();
			result.append(h('p', { class: 'notice notice-ok' }, t('quoteSent')));
		} catch (e) {
			const p = e.problem || {};
			const errs = p.errors || [];
			const lines = errs.length ? errs.map((x) => `${x.field}: ${x.message}`) : [p.detail || p.title || t('errorLoad')];
			result.append(h('div', { class: 'notice notice-error' }, lines.map((l) => h('p', null, l))));
		} finally {
			submit.disabled = false;
			submit.textContent = t('quoteSubmit');
		}
	});
	slot.append(form);
}
