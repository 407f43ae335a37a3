// The API client: the session in sessionStorage, Accept-Language, problems,
// and the reference data (cached in memory for this page load).
import { getLang } from './i18n.js';

const SKEY = 'tm.session';
const BASE = '/api/v1';
const listeners = new Set();

export class ApiError extends Error {
	constructor(status, problem, headers) {
		super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
		this.status = status;
		this.problem = problem || {};
		this.headers = headers;
	}
}

export function session() {
	let s = null;
	try {
		s = JSON.parse(sessionStorage.getItem(SKEY) || 'null');
	} catch {
		s = null;
	}
	if (!s || typeof s.token !== 'string' || !s.account) return null;
	if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) {
		dropSession();
		return null;
	}
	return s;
}

export function role() {
	const s = session();
	return s ? s.account.role : null;
}

export function saveSession(s) {
	sessionStorage.setItem(SKEY, JSON.stringify({
		token: s.token, expires_at: s.expires_at, account: s.account,
	}));
	listeners.forEach((f) => f());
}

export function dropSession() {
	const had = sessionStorage.getItem(SKEY) !== null;
	sessionStorage.removeItem(SKEY);
	if (had) listeners.forEach((f) => f());
}

export function onSessionChange(f) {
	listeners.add(f);
}

// api('GET', '/technologies', {query, body, headers, signal, auth})
// resolves to {data, headers, status}; rejects with ApiError (or AbortError).
export async function api(method, path, opts = {}) {
	const headers = { Accept: 'application/json', 'Accept-Language': getLang(), ...(opts.headers || {}) };
	const s = opts.auth === false ? null : session();
	if (s) headers.Authorization = `Bearer ${s.token}`;
	let body;
	if (opts.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(opts.body);
	}
	let url = BASE + path;
	if (opts.query) {
		const qs = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.query)) {
			if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
		}
		const str = qs.toString();
		if (str) url += `?${str}`;
	}
	const res = await fetch(url, { method, headers, body, signal: opts.signal, credentials: 'omit' });
	let data = null;
	const ct = res.headers.get('Content-Type') || '';
	if (res.status !== 204 && ct.includes('json')) {
		try {
			data = await res.json();
		} catch {
			data = null;
		}
	}
	if (res.status === 401 && s) dropSession();
	if (!res.ok) throw new ApiError(res.status, data, res.headers);
	return { data, headers: res.headers, status: res.status };
}

const refCache = new Map();

// The items of GET /categories, /sectors, /districts, /materials,
// /funding-programs as a Map code -> item, fetched once per page load.
export function ref(name) {
	if (!refCache.has(name)) {
		const p = api('GET', `/${name}`, { auth: false })
			.then(({ data }) => new Map((data.items || []).map((i) => [i.code, i])))
			.catch((e) => {
				refCache.delete(name);
				throw e;
			});
		refCache.set(name, p);
	}
	return refCache.get(name);
}

export function idempotencyKey() {
	if (crypto.randomUUID) return crypto.randomUUID();
	const b = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
