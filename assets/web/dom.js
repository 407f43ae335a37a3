// Small DOM helpers. Text from the API only ever becomes a text node:
// h() turns every string child into document.createTextNode(), and it has
// no way to set innerHTML.
import { t } from './i18n.js';

// h('a', {href: '/', class: 'x', onclick: f}, 'text', node, [more], null)
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === undefined || v === null || v === false) continue;
			if (k.startsWith('on') && typeof v === 'function') {
				el.addEventListener(k.slice(2), v);
			} else if (k === 'style') {
				throw new Error('no style attributes (CSP)');
			} else if (v === true) {
				el.setAttribute(k, '');
			} else {
				el.setAttribute(k, String(v));
			}
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === undefined || c === null || c === false) continue;
		if (Array.isArray(c)) append(el, c);
		else if (c instanceof Node) el.appendChild(c);
		else el.appendChild(document.createTextNode(String(c)));
	}
}

export function clear(el) {
	while (el.firstChild) el.removeChild(el.firstChild);
	return el;
}

// A labelled field: <div class="field"><label for=id>..</label>control hint</div>
export function field(label, control, hint) {
	const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
	if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
	return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function select(id, options, value) {
	const s = h('select', { id, name: id.replace(/^f-/, '') });
	fillSelect(s, options, value);
	return s;
}

// options: [[value, label], ...]
export function fillSelect(s, options, value) {
	clear(s);
	for (const [v, label] of options) {
		const o = h('option', { value: v }, label);
		if (String(v) === String(value ?? '')) o.selected = true;
		s.appendChild(o);
	}
}

export function loadingEl() {
	return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

// An error box with a retry button.
export function errorEl(err, retry) {
	const msg = err && err.status && err.problem && err.problem.detail ? err.problem.detail : t('errorLoad');
	return h('div', { class: 'notice notice-error', role: 'alert' },
		h('p', null, msg),
		retry ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: retry }, t('retry')) : null);
}

export function badge(cls, text) {
	return h('span', { class: `badge ${cls}` }, text);
}

// button#load-more in slot while there is a cursor: next(cursor) gives the
// next page; its new items (by data-id) go to list, focus to the first.
export function moreButton(slot, list, item, next, errBox, cursor, live) {
	clear(slot);
	if (!cursor) return;
	const btn = h('button', { type: 'button', id: 'load-more', class: 'btn btn-secondary' }, t('loadMore'));
	btn.addEventListener('click', async () => {
		btn.disabled = true;
		btn.textContent = t('loading');
		try {
			const data = await next(cursor);
			if (!live()) return;
			const seen = new Set(Array.from(list.children, (li) => li.dataset.id));
			const fresh = data.items.filter((x) => !seen.has(x.id)).map(item);
			list.append(...fresh);
			moreButton(slot, list, item, next, errBox, data.next_cursor, live);
			const a = fresh.length && fresh[0].querySelector('a, h2, h3');
			if (a) {
				if (a.tagName !== 'A') a.tabIndex = -1;
				a.focus();
			}
		} catch (e) {
			if (e.name === 'AbortError') return;
			btn.disabled = false;
			btn.textContent = t('loadMore');
			clear(errBox).append(errorEl(e));
		}
	});
	slot.append(btn);
}

// A closed <select> fires change on every arrow key: fn runs once the
// choice has settled, so one choice is one request and one history entry.
export function onSettled(el, fn, ms = 300) {
	let timer = 0;
	el.addEventListener('change', (ev) => {
		clearTimeout(timer);
		timer = setTimeout(() => fn(ev), ms);
	});
}
