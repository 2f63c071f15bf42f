// SPDX-License-Identifier: GPL-2.0
/* kTLS keys out of OpenSSL 3 with public APIs; see tlskeys.h. */
#include "tlskeys.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

/* Per-connection capture state, in the SSL's ex_data. */
struct tk_state {
	uint8_t client_secret[TLSKEYS_SECRET_MAX];	/* TLS 1.3 only */
	uint8_t server_secret[TLSKEYS_SECRET_MAX];
	size_t client_len;
	size_t server_len;
	bool tx_counting;	/* the write side uses the final keys */
	bool rx_counting;
	uint64_t tx_records;	/* records written under those keys */
	uint64_t rx_records;
	bool key_update;	/* a KeyUpdate went by: keys are stale */
};

static int tk_index = -1;

static void tk_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
		    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (ptr)
		OPENSSL_clear_free(ptr, sizeof(struct tk_state));
}

static int tk_init_index(void)
{
	/* Called from setup, before any connection: no race in practice. */
	if (tk_index < 0)
		tk_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, tk_free);
	return tk_index;
}

static struct tk_state *tk_get(const SSL *ssl)
{
	return tk_index < 0 ? NULL : SSL_get_ex_data(ssl, tk_index);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex up to a space or the end; returns the length or 0. */
static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[0] != ' ') {
		int hi = hexval(s[0]), lo;

		if (hi < 0 || !s[1])
			return 0;
		lo = hexval(s[1]);
		if (lo < 0 || n == max)
			return 0;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n;
}

/* "LABEL <client_random hex> <secret hex>" */
static void on_keylog(const SSL *ssl, const char *line)
{
	static const char c_label[] = "CLIENT_TRAFFIC_SECRET_0 ";
	static const char s_label[] = "SERVER_TRAFFIC_SECRET_0 ";
	struct tk_state *st = tk_get(ssl);
	uint8_t *dst;
	size_t *len;
	const char *p;

	if (!st)
		return;
	if (!strncmp(line, c_label, sizeof(c_label) - 1)) {
		dst = st->client_secret;
		len = &st->client_len;
		p = line + sizeof(c_label) - 1;
	} else if (!strncmp(line, s_label, sizeof(s_label) - 1)) {
		dst = st->server_secret;
		len = &st->server_len;
		p = line + sizeof(s_label) - 1;
	} else {
		return;
	}
	p = strchr(p, ' ');
	if (!p)
		return;
	*len = unhex(p + 1, dst, TLSKEYS_SECRET_MAX);
}

/* The keys of one direction just changed: count from the next record. */
static void key_change(struct tk_state *st, int write_p)
{
	if (write_p) {
		st->tx_counting = true;
		st->tx_records = 0;
	} else {
		st->rx_counting = true;
		st->rx_records = 0;
	}
}

/*
 * Every record header OpenSSL reads or writes comes through here
 * (SSL3_RT_HEADER, reported before the record's content), as do whole
 * handshake messages. OpenSSL 3.0 reports a ChangeCipherSpec it writes as
 * a message but one it reads only as a record header, so TLS 1.2 key
 * changes are taken from the headers of CCS records: the next record (the
 * Finished) is number 0. In TLS 1.3 CCS records are only middlebox
 * camouflage; the keys change after each side's Finished message.
 */
static void on_msg(int write_p, int version, int content_type,
		   const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct tk_state *st = tk_get(ssl);
	const unsigned char *p = buf;
	bool tls13 = SSL_version(ssl) == TLS1_3_VERSION;

	(void)version;
	(void)arg;
	if (!st || len < 1)
		return;
	switch (content_type) {
	case SSL3_RT_HEADER:
		if (write_p && st->tx_counting)
			st->tx_records++;
		else if (!write_p && st->rx_counting)
			st->rx_records++;
		if (p[0] == SSL3_RT_CHANGE_CIPHER_SPEC && !tls13)
			key_change(st, write_p);
		break;
	case SSL3_RT_HANDSHAKE:
		if (tls13 && p[0] == SSL3_MT_FINISHED)
			key_change(st, write_p);
		else if (p[0] == SSL3_MT_KEY_UPDATE)
			st->key_update = true;
		break;
	}
}

int tlskeys_ctx_setup(SSL_CTX *ctx)
{
	if (tk_init_index() < 0)
		return -1;
	SSL_CTX_set_keylog_callback(ctx, on_keylog);
	SSL_CTX_set_msg_callback(ctx, on_msg);
	/* Records OpenSSL read ahead would be invisible to the kernel. */
	SSL_CTX_set_read_ahead(ctx, 0);
	return 0;
}

int tlskeys_attach(SSL *ssl)
{
	struct tk_state *st;

	if (tk_init_index() < 0)
		return -1;
	st = OPENSSL_zalloc(sizeof(*st));
	if (!st)
		return -1;
	if (!SSL_set_ex_data(ssl, tk_index, st)) {
		OPENSSL_free(st);
		return -1;
	}
	/* The context's callbacks were copied at SSL_new(); make sure. */
	SSL_set_msg_callback(ssl, on_msg);
	SSL_set_read_ahead(ssl, 0);
	return 0;
}

/* Runs OpenSSL's KDF called name with params; 0 on success. */
static int kdf_derive(const char *name, const OSSL_PARAM *params,
		      uint8_t *out, size_t out_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, name, NULL);
	EVP_KDF_CTX *kctx;
	int ret;

	if (!kdf)
		return -1;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!kctx)
		return -1;
	ret = EVP_KDF_derive(kctx, out, out_len, params) > 0 ? 0 : -1;
	EVP_KDF_CTX_free(kctx);
	return ret;
}

int tlskeys_hkdf_expand_label(const EVP_MD *md, const uint8_t *secret,
			      size_t secret_len, const char *label,
			      uint8_t *out, size_t out_len)
{
	/* struct HkdfLabel: u16 length, "tls13 " + label, empty context. */
	uint8_t info[2 + 1 + 255 + 1];
	size_t llen = strlen(label), n = 0;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	OSSL_PARAM params[5], *p = params;

	if (llen + 6 > 255 || out_len > 0xffff)
		return -1;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(llen + 6);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;

	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)EVP_MD_get0_name(md), 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)secret, secret_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
	*p = OSSL_PARAM_construct_end();
	return kdf_derive("HKDF", params, out, out_len);
}

int tlskeys_tls12_prf(const EVP_MD *md, const uint8_t *secret,
		      size_t secret_len, const char *label,
		      const uint8_t *seed, size_t seed_len,
		      uint8_t *out, size_t out_len)
{
	OSSL_PARAM params[5], *p = params;

	/* Several SEED parameters are concatenated: label, then seed. */
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)EVP_MD_get0_name(md), 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
						 (void *)secret, secret_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						 (void *)label, strlen(label));
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						 (void *)seed, seed_len);
	*p = OSSL_PARAM_construct_end();
	return kdf_derive("TLS1-PRF", params, out, out_len);
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static int derive13(const struct tk_state *st, const EVP_MD *md,
		    struct tlskeys *k, char *err, size_t errlen)
{
	size_t hlen = (size_t)EVP_MD_get_size(md);

	if (st->client_len != hlen || st->server_len != hlen)
		return fail(err, errlen, "TLS 1.3 traffic secrets not captured "
			    "(keylog callback replaced?)");
	if (tlskeys_hkdf_expand_label(md, st->server_secret, hlen, "key",
				      k->tx_key, k->key_len) ||
	    tlskeys_hkdf_expand_label(md, st->server_secret, hlen, "iv",
				      k->tx_iv, k->iv_len) ||
	    tlskeys_hkdf_expand_label(md, st->client_secret, hlen, "key",
				      k->rx_key, k->key_len) ||
	    tlskeys_hkdf_expand_label(md, st->client_secret, hlen, "iv",
				      k->rx_iv, k->iv_len))
		return fail(err, errlen, "HKDF-Expand-Label failed");
	return 0;
}

static int derive12(SSL *ssl, const EVP_MD *md, struct tlskeys *k,
		    char *err, size_t errlen)
{
	uint8_t master[SSL_MAX_MASTER_KEY_LENGTH];
	uint8_t seed[2 * SSL3_RANDOM_SIZE];
	uint8_t block[2 * (TLSKEYS_KEY_MAX + TLSKEYS_IV_MAX)];
	size_t mlen, blen = 2 * ((size_t)k->key_len + k->iv_len);
	const uint8_t *b = block;
	int ret = -1;

	mlen = SSL_SESSION_get_master_key(SSL_get_session(ssl), master,
					  sizeof(master));
	if (!mlen)
		return fail(err, errlen, "no TLS 1.2 master secret");
	/* key block = PRF(master, "key expansion", server + client random) */
	if (SSL_get_server_random(ssl, seed, SSL3_RANDOM_SIZE) !=
	    SSL3_RANDOM_SIZE ||
	    SSL_get_client_random(ssl, seed + SSL3_RANDOM_SIZE,
				  SSL3_RANDOM_SIZE) != SSL3_RANDOM_SIZE) {
		fail(err, errlen, "no TLS 1.2 randoms");
		goto out;
	}
	if (tlskeys_tls12_prf(md, master, mlen, "key expansion", seed,
			      sizeof(seed), block, blen)) {
		fail(err, errlen, "TLS 1.2 PRF failed");
		goto out;
	}
	/* AEAD: no MAC keys. client key, server key, client IV, server IV */
	memcpy(k->rx_key, b, k->key_len);
	b += k->key_len;
	memcpy(k->tx_key, b, k->key_len);
	b += k->key_len;
	memcpy(k->rx_iv, b, k->iv_len);
	b += k->iv_len;
	memcpy(k->tx_iv, b, k->iv_len);
	ret = 0;
out:
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(block, sizeof(block));
	return ret;
}

/* Plaintext OpenSSL decrypted but nobody read yet becomes initial data. */
static int drain(SSL *ssl, struct tlskeys *k, char *err, size_t errlen)
{
	while (SSL_pending(ssl) > 0) {
		size_t want = (size_t)SSL_pending(ssl);
		int n;

		if (k->initial_len + want > TLSKEYS_INITIAL_MAX)
			return fail(err, errlen, "too much buffered plaintext");
		if (!k->initial) {
			k->initial = OPENSSL_malloc(TLSKEYS_INITIAL_MAX);
			if (!k->initial)
				return fail(err, errlen, "out of memory");
		}
		n = SSL_read(ssl, k->initial + k->initial_len, (int)want);
		if (n <= 0)
			return fail(err, errlen, "reading buffered plaintext failed");
		k->initial_len += (size_t)n;
	}
	/* Bytes of a record OpenSSL has not finished: cannot be handed on. */
	if (SSL_has_pending(ssl))
		return fail(err, errlen, "OpenSSL holds part of a record");
	return 0;
}

int tlskeys_extract(SSL *ssl, struct tlskeys *k, char *err, size_t errlen)
{
	const struct tk_state *st = tk_get(ssl);
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const EVP_MD *md;
	int ret;

	memset(k, 0, sizeof(*k));
	if (!st)
		return fail(err, errlen, "connection not attached (tlskeys_attach)");
	if (!SSL_is_init_finished(ssl) || !c)
		return fail(err, errlen, "handshake not finished");
	if (drain(ssl, k, err, errlen))
		goto fail;
	if (st->key_update) {
		fail(err, errlen, "KeyUpdate seen: keys changed");
		goto fail;
	}
	switch (SSL_version(ssl)) {
	case TLS1_2_VERSION:
		k->version = TLS_1_2_VERSION;
		break;
	case TLS1_3_VERSION:
		k->version = TLS_1_3_VERSION;
		break;
	default:
		fail(err, errlen, "TLS version not supported by kTLS");
		goto fail;
	}
	switch (SSL_CIPHER_get_cipher_nid(c)) {
	case NID_aes_128_gcm:
		k->cipher = TLS_CIPHER_AES_GCM_128;
		k->key_len = 16;
		k->iv_len = k->version == TLS_1_2_VERSION ? 4 : 12;
		break;
	case NID_aes_256_gcm:
		k->cipher = TLS_CIPHER_AES_GCM_256;
		k->key_len = 32;
		k->iv_len = k->version == TLS_1_2_VERSION ? 4 : 12;
		break;
	case NID_chacha20_poly1305:
		k->cipher = TLS_CIPHER_CHACHA20_POLY1305;
		k->key_len = 32;
		k->iv_len = 12;
		break;
	default:
		fail(err, errlen, "cipher not supported by kTLS");
		goto fail;
	}
	/* TLS 1.3: the suite's hash; TLS 1.2: the PRF hash. */
	md = SSL_CIPHER_get_handshake_digest(c);
	if (!md) {
		fail(err, errlen, "no digest for the cipher");
		goto fail;
	}
	if (!st->tx_counting || !st->rx_counting) {
		fail(err, errlen, "key change not seen (message callback replaced?)");
		goto fail;
	}
	k->tx_seq = st->tx_records;
	k->rx_seq = st->rx_records;
	if (k->version == TLS_1_3_VERSION)
		ret = derive13(st, md, k, err, errlen);
	else
		ret = derive12(ssl, md, k, err, errlen);
	if (!ret)
		return 0;
fail:
	tlskeys_clear(k);
	return -1;
}

void tlskeys_clear(struct tlskeys *k)
{
	if (k->initial)
		OPENSSL_clear_free(k->initial, TLSKEYS_INITIAL_MAX);
	OPENSSL_cleanse(k, sizeof(*k));
	k->initial = NULL;
	k->initial_len = 0;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

/*
 * Fills the fields every crypto_info shares (salt, iv, key, rec_seq) at
 * the given offsets: the structs differ only in sizes.
 */
#define FILL(ci, k, key, iv, seq) do {					\
	size_t salt_sz = sizeof((ci)->salt);				\
	if (salt_sz) {							\
		memcpy((ci)->salt, (iv), salt_sz);			\
	}								\
	if ((k)->iv_len == 12)						\
		memcpy((ci)->iv, (iv) + salt_sz, sizeof((ci)->iv));	\
	else								\
		put_be64((unsigned char *)(ci)->iv, (seq));		\
	memcpy((ci)->key, (key), sizeof((ci)->key));			\
	put_be64((unsigned char *)(ci)->rec_seq, (seq));		\
} while (0)

size_t tlskeys_crypto_info(const struct tlskeys *k, int tx,
			   union tlskeys_crypto_info *ci)
{
	const uint8_t *key = tx ? k->tx_key : k->rx_key;
	const uint8_t *iv = tx ? k->tx_iv : k->rx_iv;
	uint64_t seq = tx ? k->tx_seq : k->rx_seq;

	memset(ci, 0, sizeof(*ci));
	if (k->version != TLS_1_2_VERSION && k->version != TLS_1_3_VERSION)
		return 0;
	ci->info.version = k->version;
	ci->info.cipher_type = k->cipher;
	switch (k->cipher) {
	case TLS_CIPHER_AES_GCM_128:
		if (k->key_len != 16 ||
		    k->iv_len != (k->version == TLS_1_2_VERSION ? 4 : 12))
			return 0;
		FILL(&ci->aes128, k, key, iv, seq);
		return sizeof(ci->aes128);
	case TLS_CIPHER_AES_GCM_256:
		if (k->key_len != 32 ||
		    k->iv_len != (k->version == TLS_1_2_VERSION ? 4 : 12))
			return 0;
		FILL(&ci->aes256, k, key, iv, seq);
		return sizeof(ci->aes256);
	case TLS_CIPHER_CHACHA20_POLY1305:
		if (k->key_len != 32 || k->iv_len != 12)
			return 0;
		FILL(&ci->chacha, k, key, iv, seq);
		return sizeof(ci->chacha);
	}
	return 0;
}

const char *tlskeys_version_name(uint16_t version)
{
	switch (version) {
	case TLS_1_2_VERSION:
		return "1.2";
	case TLS_1_3_VERSION:
		return "1.3";
	}
	return "?";
}

const char *tlskeys_cipher_name(uint16_t cipher)
{
	switch (cipher) {
	case TLS_CIPHER_AES_GCM_128:
		return "AES-128-GCM";
	case TLS_CIPHER_AES_GCM_256:
		return "AES-256-GCM";
	case TLS_CIPHER_CHACHA20_POLY1305:
		return "CHACHA20-POLY1305";
	}
	return "?";
}
