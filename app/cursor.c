/*
 * cursor.c -- opaque keyset-pagination cursors: the sort key of the last
 * row, base64url-encoded and sealed with a keyed BLAKE2b MAC that also
 * binds the list it came from, so a client can neither forge nor move it.
 */

#include <string.h>

#include <kore/kore.h>

#include <sodium.h>

#include "app.h"

#define B64URL		sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAC_LEN		16
#define PAYLOAD_MAX	256

static void	cursor_mac(const char *, const char *, size_t, uint8_t *);

static uint8_t	cursor_key[crypto_generichash_KEYBYTES];

void
cursor_set_key(const uint8_t *key)
{
	memcpy(cursor_key, key, sizeof(cursor_key));
}

static void
cursor_mac(const char *ctx, const char *payload, size_t len, uint8_t *mac)
{
	crypto_generichash_state	st;

	crypto_generichash_init(&st, cursor_key, sizeof(cursor_key), MAC_LEN);
	crypto_generichash_update(&st, (const uint8_t *)ctx, strlen(ctx) + 1);
	crypto_generichash_update(&st, (const uint8_t *)payload, len);
	crypto_generichash_final(&st, mac, MAC_LEN);
}

/* A cursor for payload within list ctx (kore_free it); NULL if too long. */
char *
cursor_encode(const char *ctx, const char *payload)
{
	uint8_t		mac[MAC_LEN];
	size_t		len, b64len, maclen;
	char		*out;

	len = strlen(payload);
	if (len > PAYLOAD_MAX)
		return (NULL);
	b64len = sodium_base64_ENCODED_LEN(len, B64URL);
	maclen = sodium_base64_ENCODED_LEN(MAC_LEN, B64URL);
	out = kore_malloc(b64len + maclen + 1);
	cursor_mac(ctx, payload, len, mac);
	sodium_bin2base64(out, b64len, (const uint8_t *)payload, len, B64URL);
	len = strlen(out);
	out[len] = '.';
	sodium_bin2base64(out + len + 1, maclen, mac, MAC_LEN, B64URL);
	return (out);
}

/* Writes the payload to out; 0 for anything forged, moved or malformed. */
int
cursor_decode(const char *ctx, const char *cursor, char *out, size_t outlen)
{
	uint8_t		mac[MAC_LEN], want[MAC_LEN];
	const char	*dot, *end;
	size_t		len, maclen;

	if ((dot = strchr(cursor, '.')) == NULL || outlen < 2 ||
	    (size_t)(dot - cursor) > sodium_base64_ENCODED_LEN(PAYLOAD_MAX,
	    B64URL) || !b64url_ok(cursor, dot - cursor) ||
	    !b64url_ok(dot + 1, strlen(dot + 1)))
		return (0);
	if (sodium_base642bin((uint8_t *)out, outlen - 1, cursor,
	    dot - cursor, NULL, &len, &end, B64URL) != 0 || end != dot)
		return (0);
	out[len] = '\0';
	if (len > PAYLOAD_MAX || sodium_base642bin(mac, sizeof(mac), dot + 1,
	    strlen(dot + 1), NULL, &maclen, &end, B64URL) != 0 ||
	    *end != '\0' || maclen != MAC_LEN)
		return (0);
	cursor_mac(ctx, out, len, want);
	if (sodium_memcmp(mac, want, MAC_LEN) != 0 || strlen(out) != len)
		return (0);
	return (1);
}
