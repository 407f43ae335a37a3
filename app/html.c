/*
 * html.c -- a technology's page as HTML, for whoever reads it without
 * JavaScript: a phone with scripts off, a crawler, a link preview. The
 * listing's text is the vendor's and untrusted, so every byte of it is
 * escaped and none of it is ever markup. Pure: the unit tests drive it.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"

enum label {
	L_VENDOR, L_VERIFIED, L_UNVERIFIED, L_TRL, L_PRICE, L_BENEFITS,
	L_ENERGY, L_WATER, L_WASTE, L_CO2, L_CERTS, L_NO_PRICE, L_FROM,
	L_UP_TO, L_COUNT
};

static void	html_dd(struct kore_buf *, int, enum label);
static void	html_price(struct kore_buf *, yajl_val, int);
static void	html_benefits(struct kore_buf *, yajl_val, int);
static void	html_certs(struct kore_buf *, yajl_val, int);
static void	html_paragraphs(struct kore_buf *, const char *);

static const char *const labels[L_COUNT][2] = {
	[L_VENDOR] = { "Nhà cung cấp", "Vendor" },
	[L_VERIFIED] = { "đã xác minh", "verified" },
	[L_UNVERIFIED] = { "chưa xác minh", "not verified" },
	[L_TRL] = { "Mức độ sẵn sàng công nghệ (TRL)",
	    "Technology readiness level (TRL)" },
	[L_PRICE] = { "Giá", "Price" },
	[L_BENEFITS] = { "Lợi ích", "Benefits" },
	[L_ENERGY] = { "Tiết kiệm năng lượng (%)", "Energy saving (%)" },
	[L_WATER] = { "Tiết kiệm nước (%)", "Water saving (%)" },
	[L_WASTE] = { "Giảm chất thải (%)", "Waste reduction (%)" },
	[L_CO2] = { "Giảm CO₂ (tấn/năm)", "CO₂ reduction (tonnes/year)" },
	[L_CERTS] = { "Chứng nhận", "Certifications" },
	[L_NO_PRICE] = { "Liên hệ nhà cung cấp", "Ask the vendor" },
	[L_FROM] = { "từ", "from" },
	[L_UP_TO] = { "đến", "up to" },
};

/* s as HTML text: the five characters markup could use, escaped. */
void
html_text(struct kore_buf *b, const char *s)
{
	size_t		n;

	while (*s != '\0') {
		n = strcspn(s, "&<>\"'");
		kore_buf_append(b, s, n);
		s += n;
		switch (*s) {
		case '&':
			kore_buf_append(b, "&amp;", 5);
			break;
		case '<':
			kore_buf_append(b, "&lt;", 4);
			break;
		case '>':
			kore_buf_append(b, "&gt;", 4);
			break;
		case '"':
			kore_buf_append(b, "&quot;", 6);
			break;
		case '\'':
			kore_buf_append(b, "&#39;", 5);
			break;
		default:
			return;
		}
		s++;
	}
}

/* Whole VND the Vietnamese way, dots between thousands: 1.250.000 ₫. */
void
html_vnd(struct kore_buf *b, int64_t v)
{
	char		digits[24];
	uint64_t	u;
	int		n, i;

	u = (uint64_t)v;
	if (v < 0) {
		kore_buf_append(b, "-", 1);
		u = -u;		/* unsigned: INT64_MIN too */
	}
	n = snprintf(digits, sizeof(digits), "%" PRIu64, u);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			kore_buf_append(b, ".", 1);
		kore_buf_append(b, &digits[i], 1);
	}
	kore_buf_append(b, " ₫", strlen(" ₫"));
}

static void
html_dd(struct kore_buf *b, int lang, enum label l)
{
	kore_buf_appendf(b, "<dt>%s</dt><dd>", labels[l][lang]);
}

static void
html_price(struct kore_buf *b, yajl_val doc, int lang)
{
	int64_t		lo, hi;
	int		has_lo, has_hi;

	has_lo = json_int(doc, "price_min_vnd", &lo);
	has_hi = json_int(doc, "price_max_vnd", &hi);
	html_dd(b, lang, L_PRICE);
	if (has_lo && has_hi && lo != hi) {
		html_vnd(b, lo);
		kore_buf_append(b, " – ", strlen(" – "));
		html_vnd(b, hi);
	} else if (has_lo || has_hi) {
		if (!has_lo || !has_hi)
			kore_buf_appendf(b, "%s ",
			    labels[has_lo ? L_FROM : L_UP_TO][lang]);
		html_vnd(b, has_lo ? lo : hi);
	} else
		kore_buf_appendf(b, "%s", labels[L_NO_PRICE][lang]);
	kore_buf_append(b, "</dd>", 5);
}

/* The figures the vendor gave, as they are in the document. */
static void
html_benefits(struct kore_buf *b, yajl_val doc, int lang)
{
	static const struct {
		const char	*path;
		enum label	 label;
	} rows[] = {
		{ "benefits.energy_saving_pct", L_ENERGY },
		{ "benefits.water_saving_pct", L_WATER },
		{ "benefits.waste_reduction_pct", L_WASTE },
		{ "benefits.co2_reduction_tonnes_per_year", L_CO2 },
	};
	yajl_val	v;
	size_t		i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		v = json_at(doc, rows[i].path);
		if (!YAJL_IS_NUMBER(v))
			continue;
		html_dd(b, lang, rows[i].label);
		html_text(b, YAJL_GET_NUMBER(v));
		kore_buf_append(b, "</dd>", 5);
	}
}

static void
html_certs(struct kore_buf *b, yajl_val doc, int lang)
{
	yajl_val	v;
	size_t		i;

	v = json_at(doc, "certifications");
	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return;
	kore_buf_appendf(b, "<h2>%s</h2><ul>", labels[L_CERTS][lang]);
	for (i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			continue;
		kore_buf_append(b, "<li>", 4);
		html_text(b, v->u.array.values[i]->u.string);
		kore_buf_append(b, "</li>", 5);
	}
	kore_buf_append(b, "</ul>", 5);
}

/* Text with line breaks, a paragraph a line; blank lines dropped. */
static void
html_paragraphs(struct kore_buf *b, const char *s)
{
	char		*copy, *line, *next;

	copy = kore_strdup(s);
	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		kore_buf_append(b, "<p>", 3);
		html_text(b, line);
		kore_buf_append(b, "</p>", 4);
	}
	kore_free(copy);
}

/*
 * A technology document (GET /api/v1/technologies/{id}'s) as an article
 * in lang; nothing for a document without a title.
 */
void
html_technology(struct kore_buf *b, yajl_val doc, int lang)
{
	const char	*title, *s;
	int64_t		 trl;
	int		 verified;

	if ((title = json_str(doc, "title")) == NULL)
		return;
	kore_buf_appendf(b, "<article class=\"static-page\" lang=\"%s\"><h1>",
	    lang == LANG_EN ? "en" : "vi");
	html_text(b, title);
	kore_buf_append(b, "</h1>", 5);
	if ((s = json_str(doc, "summary")) != NULL)
		html_paragraphs(b, s);
	kore_buf_append(b, "<dl>", 4);
	if ((s = json_str(doc, "vendor.name")) != NULL) {
		html_dd(b, lang, L_VENDOR);
		html_text(b, s);
		if (json_bool(doc, "vendor.verified", &verified))
			kore_buf_appendf(b, " (%s)", labels[verified ?
			    L_VERIFIED : L_UNVERIFIED][lang]);
		kore_buf_append(b, "</dd>", 5);
	}
	if (json_int(doc, "trl", &trl))
		kore_buf_appendf(b, "<dt>%s</dt><dd>%" PRId64 "</dd>",
		    labels[L_TRL][lang], trl);
	html_price(b, doc, lang);
	html_benefits(b, doc, lang);
	kore_buf_append(b, "</dl>", 5);
	if ((s = json_str(doc, "description")) != NULL)
		html_paragraphs(b, s);
	html_certs(b, doc, lang);
	kore_buf_append(b, "</article>", 10);
}

/*
 * The shell (len bytes) with doc's title first in <title> and its
 * article in a <noscript> at the top of <main>, into b. A shell
 * without those elements is copied as it is: the page still works
 * with JavaScript.
 */
void
html_shell(struct kore_buf *b, const char *shell, size_t len, yajl_val doc,
    int lang)
{
	const char	*t, *m, *end, *title;

	end = shell + len;
	t = memmem(shell, len, "<title>", 7);
	m = memmem(shell, len, "<main", 5);
	if (t == NULL || m == NULL || m < t ||
	    (m = memchr(m, '>', end - m)) == NULL ||
	    (title = json_str(doc, "title")) == NULL) {
		kore_buf_append(b, shell, len);
		return;
	}
	t += 7;
	kore_buf_append(b, shell, t - shell);
	html_text(b, title);
	kore_buf_append(b, " · ", strlen(" · "));
	m++;
	kore_buf_append(b, t, m - t);
	kore_buf_append(b, "<noscript>", 10);
	html_technology(b, doc, lang);
	kore_buf_append(b, "</noscript>", 11);
	kore_buf_append(b, m, end - m);
}
