// The shell of every page: header (language, sign-in), a small router that
// maps the path to a page module, and in-site navigation without reloads.
import { t, getLang, setLang } from './i18n.js';
import { api, session, dropSession, onSessionChange } from './api.js';
import { h, clear } from './dom.js';

const routes = [
	{ re: /^\/$/, page: 'search', load: () => import('./search.js') },
	{ re: /^\/cong-nghe\/([^/]+)$/, page: 'technology', load: () => import('./tech.js') },
	{ re: /^\/nhu-cau$/, page: 'needs', load: () => import('./lists.js'), fn: 'renderNeeds' },
	{ re: /^\/phu-pham$/, page: 'byproducts', load: () => import('./lists.js'), fn: 'renderByproducts' },
	{ re: /^\/ket-qua$/, page: 'results', load: () => import('./results.js') },
	{ re: /^\/dang-nhap$/, page: 'signin', load: () => import('./account.js'), fn: 'renderSignin' },
	{ re: /^\/cua-toi$/, page: 'mine', load: () => import('./account.js'), fn: 'renderMine' },
	{ re: /^\/cua-toi\/([^/]+)$/, page: 'edit', load: () => import('./account.js'), fn: 'renderEdit' },
];
const notFoundRoute = { page: 'not-found', load: () => Promise.resolve({ render: renderNotFound }) };

const main = document.getElementById('main');
let current = null; // {route, path, hooks, abort}
let seq = 0;
let shown = ''; // path and query of what the page shows

function match(path) {
	// The server answers unknown paths with 404.html: keep its verdict on load.
	for (const r of routes) {
		const m = r.re.exec(path);
		if (m) {
			try {
				return { route: r, params: m.slice(1).map(decodeURIComponent) };
			} catch {
				break; // a malformed %-escape
			}
		}
	}
	return { route: notFoundRoute, params: [] };
}

export function setTitle(s) {
	document.title = s ? `${s} · ${t('site')}` : t('site');
}

// The not-found view, also used by the technology page for an API 404.
export function renderNotFound(root) {
	setTitle(t('notFoundTitle'));
	document.body.dataset.page = 'not-found';
	clear(root).append(
		h('h1', { id: 'not-found' }, t('notFoundTitle')),
		h('p', null, t('notFoundText')),
		h('p', null, h('a', { href: '/', class: 'btn' }, t('notFoundHome'))),
	);
}

async function render(opts = {}) {
	const my = ++seq;
	if (current && current.abort) current.abort.abort();
	const path = location.pathname;
	shown = path + location.search;
	const first = !current;
	const { route, params } = first && document.body.dataset.page === 'not-found'
		? { route: notFoundRoute, params: [] } : match(path);
	const abort = new AbortController();
	const root = h('div', { class: 'page' });
	current = { route, path, hooks: null, abort };
	document.body.dataset.page = route.page;
	markNav(path);
	paintAuth();
	const mod = await route.load();
	if (my !== seq) return;
	clear(main).appendChild(root);
	if (opts.focus) {
		main.focus({ preventScroll: true });
		window.scrollTo(0, 0);
	}
	const ctx = {
		params, signal: abort.signal, navigate, setTitle, push,
		alive: () => my === seq,
		notFound: () => renderNotFound(root),
	};
	try {
		const hooks = await mod[route.fn || 'render'](root, ctx);
		if (my === seq) current.hooks = hooks || null;
	} catch (e) {
		if (e && e.name === 'AbortError') return;
		throw e;
	}
	if (opts.restore && my === seq) restoreValues(opts.restore);
}

export function navigate(url, { replace = false } = {}) {
	const u = new URL(url, location.href);
	if (replace) history.replaceState(null, '', u.pathname + u.search + u.hash);
	else history.pushState(null, '', u.pathname + u.search + u.hash);
	render({ focus: true });
}

// A page's own history entry (the search page's query): same path.
function push(url, replace = false) {
	if (replace) history.replaceState(null, '', url);
	else history.pushState(null, '', url);
	shown = location.pathname + location.search;
	if (!session()) paintAuth();
}

window.addEventListener('popstate', () => {
	// A fragment (the skip link) changes neither path nor query.
	if (location.pathname + location.search === shown) return;
	if (!session()) paintAuth();
	if (current && current.path === location.pathname) shown = location.pathname + location.search;
	if (current && current.path === location.pathname && current.hooks && current.hooks.popstate) {
		current.hooks.popstate();
		return;
	}
	render({ focus: true });
});

// In-site links change the page without a reload.
document.addEventListener('click', (ev) => {
	if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
	const a = ev.target.closest && ev.target.closest('a[href]');
	if (!a || a.target || a.hasAttribute('download')) return;
	const u = new URL(a.href, location.href);
	if (u.origin !== location.origin || u.pathname.startsWith('/api/') || u.pathname.startsWith('/web/')) return;
	if (u.pathname === location.pathname && u.search === location.search && u.hash) return; // skip link
	if (match(u.pathname).route === notFoundRoute) return; // let the server answer 404
	ev.preventDefault();
	navigate(u.href);
});

function markNav(path) {
	document.querySelectorAll('.site-nav a').forEach((a) => {
		const p = new URL(a.href).pathname;
		const on = p === '/' ? path === '/' || path.startsWith('/cong-nghe/') : path === p;
		if (on) a.setAttribute('aria-current', 'page');
		else a.removeAttribute('aria-current');
	});
}

// Header: static strings carry data-i18n; the account area is drawn here.
function paintShell() {
	document.querySelectorAll('[data-i18n]').forEach((el) => {
		el.textContent = t(el.dataset.i18n);
	});
	document.querySelectorAll('[data-i18n-label]').forEach((el) => {
		el.setAttribute('aria-label', t(el.dataset.i18nLabel));
	});
	const sw = document.getElementById('lang-switch');
	sw.textContent = t('langSwitch');
	sw.lang = getLang() === 'vi' ? 'en' : 'vi';
	sw.setAttribute('aria-label', t('langSwitchLabel'));
	paintAuth();
}

function paintAuth() {
	const area = document.getElementById('auth-area');
	const s = session();
	const hadFocus = area.contains(document.activeElement);
	clear(area);
	if (!s) {
		const here = location.pathname + location.search;
		const href = location.pathname === '/dang-nhap' || here === '/' ? '/dang-nhap'
			: `/dang-nhap?next=${encodeURIComponent(here)}`;
		area.append(h('a', { id: 'nav-signin', class: 'btn btn-small', href }, t('signIn')));
	} else {
		if (s.account.role === 'vendor') {
			area.append(h('a', { id: 'nav-mine', href: '/cua-toi' }, t('navMine')));
		}
		area.append(
			h('span', { class: 'who' }, s.account.display_name || s.account.email || ''),
			h('button', { type: 'button', id: 'sign-out', class: 'btn btn-small btn-secondary', onclick: signOut }, t('signOut')),
		);
	}
	if (hadFocus) (document.getElementById('sign-out') || document.getElementById('nav-signin')).focus();
}

async function signOut() {
	try {
		await api('DELETE', '/sessions/current');
	} catch {
		/* the token is dropped here whatever the server says */
	}
	dropSession();
	const b = document.getElementById('nav-signin');
	if (b) b.focus();
}

function collectValues() {
	const vals = {};
	main.querySelectorAll('input[id], select[id], textarea[id]').forEach((el) => {
		vals[el.id] = el.type === 'checkbox' ? el.checked : el.value;
	});
	return vals;
}

function restoreValues(vals) {
	for (const [id, v] of Object.entries(vals)) {
		const el = document.getElementById(id);
		if (!el || !main.contains(el)) continue;
		if (el.type === 'checkbox') el.checked = v;
		else if (el.tagName !== 'SELECT' || Array.from(el.options).some((o) => o.value === v)) el.value = v;
	}
}

document.getElementById('lang-switch').addEventListener('click', () => {
	setLang(getLang() === 'vi' ? 'en' : 'vi');
	paintShell();
	const vals = collectValues();
	render({ restore: vals });
});

onSessionChange(() => {
	paintAuth();
	if (current) render();
});

// Another tab signing out does not concern this one: sessionStorage is per tab.
paintShell();
render();
