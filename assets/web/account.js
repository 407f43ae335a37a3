// Sign in /dang-nhap, a vendor's listings /cua-toi, and editing one
// /cua-toi/{id} (PATCH with If-Match).
import { t, money, day } from './i18n.js';
import { api, session, saveSession } from './api.js';
import { h, clear, field, select, loadingEl, errorEl, badge, onSettled } from './dom.js';
import { pagedList } from './lists.js';

// Only a path of this site: one leading "/", not "//" or "/\" (which a
// browser reads as another host), nothing but printable characters.
export function safeNext(raw) {
	if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
	if (/[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
	let u;
	try {
		u = new URL(raw, location.origin);
	} catch {
		return '/';
	}
	if (u.origin !== location.origin || u.pathname.startsWith('/dang-nhap') || u.pathname.startsWith('/api/')) return '/';
	return u.pathname + u.search + u.hash;
}

function signinRequired(root, next) {
	root.append(h('div', { id: 'signin-required', class: 'notice' },
		h('p', null, t('signinRequired')),
		h('a', { class: 'btn', href: `/dang-nhap?next=${encodeURIComponent(next)}` }, t('signIn'))));
}

function waitText(retryAfter) {
	const sec = Math.max(1, parseInt(retryAfter, 10) || 60);
	return sec >= 90 ? t('minutes', Math.ceil(sec / 60)) : t('seconds', sec);
}

export async function renderSignin(root, ctx) {
	ctx.setTitle(t('signIn'));
	const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true, spellcheck: 'false' });
	const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
	const submit = h('button', { type: 'submit', id: 'signin-submit', class: 'btn' }, t('signIn'));
	const error = h('div', { id: 'signin-error', role: 'alert' });
	const form = h('form', { id: 'signin-form', class: 'form-card', novalidate: true, action: '/dang-nhap', method: 'post' },
		field(t('email'), email), field(t('password'), password), error, submit);
	const fail = (msg, focus) => {
		clear(error).append(h('p', { class: 'notice notice-error' }, msg));
		if (focus) focus.focus();
	};
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clear(error);
		if (!email.value.trim() || !password.value) {
			fail(t('signinMissing'), email.value.trim() ? password : email);
			return;
		}
		submit.disabled = true;
		try {
			const { data } = await api('POST', '/sessions', {
				body: { email: email.value.trim(), password: password.value }, auth: false,
			});
			password.value = '';
			const next = safeNext(new URLSearchParams(location.search).get('next'));
			saveSession(data);
			ctx.navigate(next, { replace: true });
		} catch (e) {
			password.value = '';
			if (e.status === 401) fail(t('signinBad'), password);
			else if (e.status === 429) fail(t('signinLocked', waitText(e.headers && e.headers.get('Retry-After'))), null);
			else fail((e.problem && (e.problem.detail || e.problem.title)) || t('errorLoad'), null);
		} finally {
			submit.disabled = false;
		}
	});
	clear(root).append(h('div', { class: 'narrow' }, h('h1', null, t('signIn')), h('p', null, t('signinIntro')), form));
	return null;
}

const STATUSES = ['draft', 'published', 'archived'];
const MOVES = { draft: ['published'], published: ['archived'], archived: ['published'] };

function statusBadge(s) {
	return badge(`status-${s}`, t(`status_${s}`));
}

export async function renderMine(root, ctx) {
	ctx.setTitle(t('mineTitle'));
	clear(root).append(h('h1', null, t('mineTitle')));
	const s = session();
	if (!s) {
		signinRequired(root, '/cua-toi');
		return null;
	}
	if (s.account.role !== 'vendor') {
		root.append(h('p', { class: 'notice' }, t('mineVendorOnly')));
		return null;
	}
	const statusOf = () => {
		const v = new URLSearchParams(location.search).get('status');
		return STATUSES.includes(v) ? v : '';
	};
	const sel = select('f-status', [['', t('any')], ...STATUSES.map((x) => [x, t(`status_${x}`)])], statusOf());
	const note = h('div');
	let fallback = false;
	const item = (x) => h('li', { class: 'my-listing card', 'data-id': x.id, 'data-status': x.status },
		h('h2', { class: 'result-title' }, h('a', { href: `/cua-toi/${encodeURIComponent(x.id)}` }, x.title)),
		h('p', { class: 'result-meta' }, statusBadge(x.status),
			h('span', null, t('updated', day(x.updated_at))),
			x.status === 'published' ? h('a', { href: `/cong-nghe/${encodeURIComponent(x.id)}` }, t('viewPublic')) : null));
	// GET /me/technologies; a server without it: the published ones only.
	const get = async (query, signal) => {
		if (!fallback) {
			try {
				return (await api('GET', '/me/technologies', { query, signal })).data;
			} catch (e) {
				if (e.status !== 404) throw e;
				fallback = true;
			}
		}
		const { status, ...rest } = query;
		if (status && status !== 'published') return { items: [], next_cursor: null };
		return (await api('GET', '/technologies', { query: { ...rest, vendor_id: (s.account.organization || {}).id }, signal })).data;
	};
	const pl = pagedList({
		listId: 'my-listings', heading: t('mineTitle'), get, signal: ctx.signal, ready: null,
		read: () => ({ status: statusOf() }), item, countText: (n) => t('mineCount', n), emptyText: t('mineEmpty'),
		after: () => { if (fallback && !note.firstChild) note.append(h('p', { class: 'notice' }, t('mineFallback'))); },
	});
	root.append(h('p', null, t('mineIntro')), h('div', { class: 'toolbar' }, field(t('statusFilter'), sel)), note, pl.area);
	onSettled(sel, () => {
		ctx.push(sel.value ? `/cua-toi?status=${sel.value}` : '/cua-toi');
		pl.load();
	});
	await pl.load();
	return { popstate() { sel.value = statusOf(); pl.load(); } };
}

const FIELDS = ['title', 'summary', 'description', 'status', 'price_min_vnd', 'price_max_vnd'];

export async function renderEdit(root, ctx) {
	const id = ctx.params[0];
	ctx.setTitle(t('editTitle'));
	clear(root).append(h('p', { class: 'crumbs' }, h('a', { href: '/cua-toi' }, `← ${t('backToMine')}`)), h('h1', null, t('editTitle')));
	if (!session()) {
		signinRequired(root, location.pathname);
		return null;
	}
	if (session().account.role !== 'vendor') {
		root.append(h('p', { class: 'notice' }, t('mineVendorOnly')));
		return null;
	}
	const slot = h('div');
	root.append(slot);
	slot.append(loadingEl());
	let tech;
	let etag;

	async function fetchTech() {
		const res = await api('GET', `/technologies/${encodeURIComponent(id)}`, { signal: ctx.signal });
		tech = res.data;
		etag = res.headers.get('ETag');
	}
	try {
		await fetchTech();
	} catch (e) {
		if (e.name === 'AbortError') return null;
		if (e.status === 404 || e.status === 400) {
			ctx.notFound();
			return null;
		}
		clear(slot).append(errorEl(e, () => renderEdit(root, ctx)));
		return null;
	}

	const c = {
		title: h('input', { id: 'edit-title', name: 'title', type: 'text', required: true, minlength: 3, maxlength: 200 }),
		summary: h('textarea', { id: 'edit-summary', name: 'summary', required: true, maxlength: 1000, rows: 3 }),
		description: h('textarea', { id: 'edit-description', name: 'description', maxlength: 20000, rows: 8 }),
		status: h('select', { id: 'edit-status', name: 'status' }),
		price_min_vnd: h('input', { id: 'edit-price_min_vnd', name: 'price_min_vnd', type: 'text', inputmode: 'numeric', autocomplete: 'off' }),
		price_max_vnd: h('input', { id: 'edit-price_max_vnd', name: 'price_max_vnd', type: 'text', inputmode: 'numeric', autocomplete: 'off' }),
	};
	const errs = {};
	for (const f of FIELDS) errs[f] = h('p', { id: `edit-${f}-error`, class: 'field-error' });
	const priceShown = {
		price_min_vnd: h('span', { class: 'hint' }), price_max_vnd: h('span', { class: 'hint' }),
	};
	const save = h('button', { type: 'submit', id: 'edit-save', class: 'btn' }, t('editSave'));
	const result = h('div', { id: 'edit-result', role: 'status' });
	const wrapField = (f, label, hint) => {
		const el = field(label, c[f], hint);
		el.append(errs[f]);
		c[f].setAttribute('aria-describedby', `${c[f].getAttribute('aria-describedby') || ''} ${errs[f].id}`.trim());
		if (priceShown[f]) el.append(priceShown[f]);
		return el;
	};
	const form = h('form', { id: 'edit-form', class: 'form-card', novalidate: true },
		wrapField('title', t('editFieldTitle')),
		wrapField('summary', t('techSummary')),
		wrapField('description', t('editFieldDescription')),
		wrapField('status', t('statusFilter')),
		h('div', { class: 'filter-grid' },
			wrapField('price_min_vnd', t('editFieldPriceMin'), t('priceHint')),
			wrapField('price_max_vnd', t('editFieldPriceMax'))),
		save, result);

	const parsePrice = (v) => {
		const d = v.replace(/[\s.,_]/g, '');
		if (d === '') return null;
		return /^\d{1,16}$/.test(d) ? Number(d) : NaN;
	};
	const showPrice = (f) => {
		const n = parsePrice(c[f].value);
		priceShown[f].textContent = Number.isFinite(n) && n !== null ? `= ${money(n)}` : '';
	};

	function fill() {
		c.title.value = tech.title;
		c.summary.value = tech.summary;
		c.description.value = tech.description || '';
		clear(c.status).append(h('option', { value: tech.status }, t('keepStatus', t(`status_${tech.status}`))),
			...(MOVES[tech.status] || []).map((m) => h('option', { value: m }, t('moveTo', t(`status_${m}`)))));
		c.price_min_vnd.value = tech.price_min_vnd == null ? '' : String(tech.price_min_vnd);
		c.price_max_vnd.value = tech.price_max_vnd == null ? '' : String(tech.price_max_vnd);
		showPrice('price_min_vnd');
		showPrice('price_max_vnd');
		ctx.setTitle(`${t('editTitle')}: ${tech.title}`);
	}

	function clearErrors() {
		for (const f of FIELDS) {
			errs[f].textContent = '';
			c[f].removeAttribute('aria-invalid');
		}
	}

	function markError(f, msg) {
		errs[f].textContent = msg;
		c[f].setAttribute('aria-invalid', 'true');
	}

	function say(cls, ...lines) {
		clear(result).append(h('div', { class: `notice ${cls}` }, lines.map((l) => h('p', null, l))));
	}

	['price_min_vnd', 'price_max_vnd'].forEach((f) => c[f].addEventListener('input', () => showPrice(f)));

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors();
		clear(result);
		const patch = {};
		const now = {
			title: c.title.value.trim(), summary: c.summary.value.trim(), description: c.description.value,
			status: c.status.value, price_min_vnd: parsePrice(c.price_min_vnd.value), price_max_vnd: parsePrice(c.price_max_vnd.value),
		};
		let bad = null;
		for (const f of ['price_min_vnd', 'price_max_vnd']) {
			if (Number.isNaN(now[f])) {
				markError(f, t('editNotNumber'));
				bad = bad || f;
			}
		}
		if (bad) {
			say('notice-error', t('editInvalid'));
			c[bad].focus();
			return;
		}
		for (const f of FIELDS) {
			const old = f === 'title' || f === 'summary' ? tech[f].trim() : f === 'description' ? tech.description || '' : tech[f];
			if (now[f] !== old) patch[f] = now[f];
		}
		if ('description' in patch && patch.description === '') patch.description = null;
		if (!Object.keys(patch).length) {
			say('notice-ok', t('editNothing'));
			return;
		}
		save.disabled = true;
		try {
			const res = await api('PATCH', `/technologies/${encodeURIComponent(id)}`, { body: patch, headers: etag ? { 'If-Match': etag } : {} });
			tech = res.data;
			etag = res.headers.get('ETag') || etag;
			fill();
			say('notice-ok', t('editSaved'));
		} catch (e) {
			const p = e.problem || {};
			if (e.status === 422 && Array.isArray(p.errors)) {
				const other = [];
				let first = null;
				for (const x of p.errors) {
					const f = String(x.field || '').split(/[.[]/)[0];
					if (c[f]) {
						markError(f, x.message);
						first = first || f;
					} else {
						other.push(`${x.field}: ${x.message}`);
					}
				}
				say('notice-error', t('editInvalid'), ...other);
				if (first) c[first].focus();
			} else if (e.status === 412) {
				try {
					await fetchTech();
					fill();
				} catch {
					/* the message below still holds */
				}
				say('notice-error', t('editStale'));
			} else if (e.status === 409) {
				say('notice-error', t('editConflict', p.detail || p.title || ''));
			} else if (e.status !== 401) {
				say('notice-error', p.detail || p.title || t('errorLoad'));
			}
		} finally {
			save.disabled = false;
		}
	});

	clear(slot).append(form);
	fill();
	return null;
}
