/*
 * test_html.c -- html.c: the vendor's text escaped wherever it goes,
 * VND written the Vietnamese way, and the shell spliced or left alone.
 */

#include <string.h>

#include <kore.h>

#include "app.h"
#include "test.h"

static int	text_is(const char *, const char *);
static int	vnd_is(int64_t, const char *);
static char	*shell_of(const char *, const char *, int);
static void	technologies(void);
static void	shells(void);

static int
text_is(const char *in, const char *want)
{
	struct kore_buf	*b;
	int		 ok;

	b = kore_buf_alloc(16);
	html_text(b, in);
	ok = b->offset == strlen(want) && !memcmp(b->data, want, b->offset);
	kore_buf_free(b);
	return (ok);
}

static int
vnd_is(int64_t v, const char *want)
{
	struct kore_buf	*b;
	int		 ok;

	b = kore_buf_alloc(16);
	html_vnd(b, v);
	ok = b->offset == strlen(want) && !memcmp(b->data, want, b->offset);
	kore_buf_free(b);
	return (ok);
}

/* The shell spliced with the document json; kore_free the result. */
static char *
shell_of(const char *shell, const char *json, int lang)
{
	struct kore_buf	*b;
	yajl_val	 doc;
	char		 err[64], *s;

	doc = json_parse(json, strlen(json), err, sizeof(err));
	b = kore_buf_alloc(64);
	html_shell(b, shell, strlen(shell), doc, lang);
	if (doc != NULL)
		yajl_tree_free(doc);
	s = kore_strdup(kore_buf_stringify(b, NULL));
	kore_buf_free(b);
	return (s);
}

static void
technologies(void)
{
	static const char shell[] = "<html><head><title>Chợ</title></head>"
	    "<body><main id=\"main\" tabindex=\"-1\"></main></body></html>";
	char		*s;

	s = shell_of(shell, "{\"title\":\"<img src=x onerror=alert(1)>\","
	    "\"summary\":\"a & b\\n\\n\\\"c\\\" 'd'\",\"vendor\":{\"name\":"
	    "\"</noscript><script>x()</script>\",\"verified\":false},"
	    "\"trl\":7,\"price_min_vnd\":350000000,\"price_max_vnd\":"
	    "1250000000,\"benefits\":{\"energy_saving_pct\":35,"
	    "\"water_saving_pct\":null,\"waste_reduction_pct\":12.5,"
	    "\"co2_reduction_tonnes_per_year\":null},\"description\":"
	    "\"d1\\nd2\",\"certifications\":[\"ISO <14001>\"]}", LANG_VI);
	CHECK(strstr(s, "<img") == NULL && strstr(s, "<script") == NULL);
	CHECK(strstr(s, "<title>&lt;img src=x onerror=alert(1)&gt; · Chợ"
	    "</title>") != NULL);
	CHECK(strstr(s, "<main id=\"main\" tabindex=\"-1\"><noscript>"
	    "<article class=\"static-page\" lang=\"vi\"><h1>&lt;img") != NULL);
	/* The vendor's name cannot close the noscript early. */
	CHECK(strstr(s, "&lt;/noscript&gt;&lt;script&gt;x()&lt;/script&gt;"
	    " (chưa xác minh)") != NULL);
	CHECK(strstr(s, "<p>a &amp; b</p><p>&quot;c&quot; &#39;d&#39;</p>")
	    != NULL);
	CHECK(strstr(s, "350.000.000 ₫ – 1.250.000.000 ₫") != NULL);
	CHECK(strstr(s, "<dd>7</dd>") != NULL);
	CHECK(strstr(s, "(%)</dt><dd>35</dd>") != NULL);
	CHECK(strstr(s, "<dd>12.5</dd>") != NULL);
	CHECK(strstr(s, "Tiết kiệm nước") == NULL);	/* null: not shown */
	CHECK(strstr(s, "<p>d1</p><p>d2</p>") != NULL);
	CHECK(strstr(s, "<li>ISO &lt;14001&gt;</li>") != NULL);
	CHECK(strstr(s, "</article></noscript></main></body></html>") != NULL);
	kore_free(s);

	s = shell_of(shell, "{\"title\":\"T\",\"price_min_vnd\":null,"
	    "\"price_max_vnd\":900000,\"vendor\":{\"name\":\"V\","
	    "\"verified\":true}}", LANG_EN);
	CHECK(strstr(s, "lang=\"en\"") != NULL);
	CHECK(strstr(s, "up to 900.000 ₫") != NULL);
	CHECK(strstr(s, "V (verified)") != NULL);
	kore_free(s);
}

static void
shells(void)
{
	static const char plain[] = "<html><body><main>x</main></body></html>";
	char		*s;

	/* No <title>, no title, or not JSON: the shell as it is. */
	s = shell_of(plain, "{\"title\":\"T\"}", LANG_VI);
	CHECK(strcmp(s, plain) == 0);
	kore_free(s);
	s = shell_of("<title>a</title><main>", "{\"summary\":\"x\"}",
	    LANG_VI);
	CHECK(strcmp(s, "<title>a</title><main>") == 0);
	kore_free(s);
	s = shell_of("<title>a</title><main>", "not json", LANG_VI);
	CHECK(strcmp(s, "<title>a</title><main>") == 0);
	kore_free(s);
	s = shell_of("<title>a</title><main", "{\"title\":\"T\"}", LANG_VI);
	CHECK(strcmp(s, "<title>a</title><main") == 0);
	kore_free(s);
}

void
test_html(void)
{
	CHECK(text_is("", ""));
	CHECK(text_is("Lò hơi", "Lò hơi"));
	CHECK(text_is("<&>\"'", "&lt;&amp;&gt;&quot;&#39;"));
	CHECK(text_is("a<b", "a&lt;b"));
	CHECK(vnd_is(0, "0 ₫"));
	CHECK(vnd_is(999, "999 ₫"));
	CHECK(vnd_is(1000, "1.000 ₫"));
	CHECK(vnd_is(1250000000, "1.250.000.000 ₫"));
	CHECK(vnd_is(9223372036854775807LL,
	    "9.223.372.036.854.775.807 ₫"));
	CHECK(vnd_is(-1500, "-1.500 ₫"));
	CHECK(vnd_is(-9223372036854775807LL - 1,
	    "-9.223.372.036.854.775.808 ₫"));
	technologies();
	shells();
}
