// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tlskeys.c, TAP output.
 *
 * 1. Known answers. HKDF-Expand-Label against RFC 8448 section 3 ("Simple
 *    1-RTT Handshake", TLS_AES_128_GCM_SHA256): the server handshake,
 *    server application and client application traffic secrets and the
 *    write keys and IVs the RFC derives from them. The TLS 1.2 PRF against
 *    the P_SHA256 vector posted to the IETF TLS working group list
 *    (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html,
 *    also in the test suites of Botan, mbedTLS and Netty), and two
 *    "key expansion" blocks (SHA-256 and SHA-384) computed independently
 *    of OpenSSL with this Python (RFC 5246 section 5, stdlib hmac only):
 *
 *	import hmac, hashlib
 *	def prf(h, secret, label, seed, n):
 *	    out, a = b'', label + seed
 *	    while len(out) < n:
 *	        a = hmac.new(secret, a, h).digest()
 *	        out += hmac.new(secret, a + label + seed, h).digest()
 *	    return out[:n]
 *	master = bytes(range(1, 49))
 *	sr, cr = bytes(range(0x40, 0x60)), bytes(range(0x80, 0xa0))
 *	prf(hashlib.sha256, master, b'key expansion', sr + cr, 40).hex()
 *	prf(hashlib.sha384, master, b'key expansion', sr + cr, 72).hex()
 *
 * 2. The kTLS crypto_info layout (salt, iv, rec_seq) for each case.
 *
 * 3. Live: an OpenSSL client (in a thread) and server over a socketpair,
 *    for TLS 1.2 and 1.3 with each kTLS cipher. The server extracts the
 *    keys; the test then opens the client's next record from the raw
 *    socket with the extracted RX key and sequence number, seals a record
 *    with the TX key and sequence number that the OpenSSL client must
 *    accept (after the TLS 1.3 tickets), and opens one more. A second run
 *    per version makes OpenSSL hold decrypted plaintext first (a 1-byte
 *    SSL_read) to check initial data and the RX count.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "tap.h"
#include "test_cert.h"
#include "tlskeys.h"

#define PLAN (8 + 2 + 5 + 8 * 8)

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int b;

	while (s[0] && s[1] && sscanf(s, "%2x", &b) == 1) {
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

static void hex_is(const uint8_t *got, size_t len, const char *want,
		   const char *desc)
{
	char buf[512];
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < sizeof(buf); i++)
		snprintf(buf + 2 * i, 3, "%02x", got[i]);
	buf[2 * i] = '\0';
	tap_is(buf, want, desc);
}

static void test_hkdf(void)
{
	static const struct {
		const char *what, *secret, *key, *iv;
	} v[] = {
		{ "server handshake",
		  "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
		  "3fce516009c21727d0f2e4e86ee403bc", "5d313eb2671276ee13000b30" },
		{ "server application",
		  "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
		  "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984" },
		{ "client application",
		  "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
		  "17422dda596ed5d9acd890e3c63f5051", "5b78923dee08579033e523d9" },
		{ "client handshake",
		  "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
		  "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f" },
	};
	uint8_t secret[32], out[16];
	char desc[128];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(v[i].secret, secret);
		memset(out, 0, sizeof(out));
		tlskeys_hkdf_expand_label(EVP_sha256(), secret, 32, "key", out, 16);
		snprintf(desc, sizeof(desc), "RFC 8448 %s key", v[i].what);
		hex_is(out, 16, v[i].key, desc);
		memset(out, 0, sizeof(out));
		tlskeys_hkdf_expand_label(EVP_sha256(), secret, 32, "iv", out, 12);
		snprintf(desc, sizeof(desc), "RFC 8448 %s iv", v[i].what);
		hex_is(out, 12, v[i].iv, desc);
	}
}

static void test_prf(void)
{
	uint8_t secret[16], seed[16], out[100], master[48], rnd[64];
	int i;

	unhex("9bbe436ba940f017b17652849a71db35", secret);
	unhex("a0ba9f936cda311827a6f796ffd5198c", seed);
	tlskeys_tls12_prf(EVP_sha256(), secret, 16, "test label", seed, 16,
			  out, 100);
	hex_is(out, 100,
	       "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
	       "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
	       "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
	       "87347b66", "TLS 1.2 PRF SHA-256 (IETF TLS WG vector)");
	for (i = 0; i < 48; i++)
		master[i] = (uint8_t)(i + 1);
	for (i = 0; i < 32; i++) {
		rnd[i] = (uint8_t)(0x40 + i);
		rnd[32 + i] = (uint8_t)(0x80 + i);
	}
	tlskeys_tls12_prf(EVP_sha384(), master, 48, "key expansion", rnd, 64,
			  out, 72);
	hex_is(out, 72,
	       "ad2af63b08e5bd706e38422a6bd5d5d59825b51eeb9cf7ac0d24104b08b2ac0d"
	       "2aff0433700f8cb34c14bd82e91990ed1fbfd56b4c2cbb142033214ddb0b8fce"
	       "93ed327edd63051a", "TLS 1.2 key expansion SHA-384 (Python hmac)");
}

static void test_layout(void)
{
	union tlskeys_crypto_info ci;
	struct tlskeys k;
	size_t n;
	int i;

	memset(&k, 0, sizeof(k));
	for (i = 0; i < 32; i++) {
		k.tx_key[i] = (uint8_t)i;
		k.rx_key[i] = (uint8_t)(0x80 + i);
	}
	for (i = 0; i < 12; i++) {
		k.tx_iv[i] = (uint8_t)(0x20 + i);
		k.rx_iv[i] = (uint8_t)(0xa0 + i);
	}
	k.tx_seq = 2;
	k.rx_seq = 0x0102030405060708ULL;

	k.version = TLS_1_3_VERSION;
	k.cipher = TLS_CIPHER_AES_GCM_128;
	k.key_len = 16;
	k.iv_len = 12;
	n = tlskeys_crypto_info(&k, 1, &ci);
	tap_ok(n == sizeof(ci.aes128) && ci.info.version == TLS_1_3_VERSION &&
	       ci.info.cipher_type == TLS_CIPHER_AES_GCM_128 &&
	       !memcmp(ci.aes128.salt, k.tx_iv, 4) &&
	       !memcmp(ci.aes128.iv, k.tx_iv + 4, 8) &&
	       !memcmp(ci.aes128.key, k.tx_key, 16) &&
	       !memcmp(ci.aes128.rec_seq, "\0\0\0\0\0\0\0\2", 8),
	       "1.3 AES-128-GCM tx: salt iv[0..3], iv iv[4..11], rec_seq 2");

	k.cipher = TLS_CIPHER_AES_GCM_256;
	k.key_len = 32;
	n = tlskeys_crypto_info(&k, 0, &ci);
	tap_ok(n == sizeof(ci.aes256) &&
	       !memcmp(ci.aes256.salt, k.rx_iv, 4) &&
	       !memcmp(ci.aes256.iv, k.rx_iv + 4, 8) &&
	       !memcmp(ci.aes256.key, k.rx_key, 32) &&
	       !memcmp(ci.aes256.rec_seq, "\1\2\3\4\5\6\7\10", 8),
	       "1.3 AES-256-GCM rx: rec_seq big-endian");

	k.version = TLS_1_2_VERSION;
	k.iv_len = 4;
	n = tlskeys_crypto_info(&k, 1, &ci);
	tap_ok(n == sizeof(ci.aes256) && ci.info.version == TLS_1_2_VERSION &&
	       !memcmp(ci.aes256.salt, k.tx_iv, 4) &&
	       !memcmp(ci.aes256.iv, "\0\0\0\0\0\0\0\2", 8),
	       "1.2 AES-256-GCM tx: salt = 4-byte IV, iv = seq (explicit nonce)");

	k.cipher = TLS_CIPHER_CHACHA20_POLY1305;
	k.iv_len = 12;
	n = tlskeys_crypto_info(&k, 1, &ci);
	tap_ok(n == sizeof(ci.chacha) &&
	       ci.info.cipher_type == TLS_CIPHER_CHACHA20_POLY1305 &&
	       !memcmp(ci.chacha.iv, k.tx_iv, 12) &&
	       !memcmp(ci.chacha.key, k.tx_key, 32),
	       "ChaCha20-Poly1305: the whole 12-byte IV");

	k.iv_len = 4;
	tap_ok(tlskeys_crypto_info(&k, 1, &ci) == 0,
	       "bad IV length for the cipher is refused");
}

/* --- record protection, written from RFC 5246 6.2.3.3 and RFC 8446 5.2 */

static const EVP_CIPHER *aead(const struct tlskeys *k)
{
	switch (k->cipher) {
	case TLS_CIPHER_AES_GCM_128:
		return EVP_aes_128_gcm();
	case TLS_CIPHER_AES_GCM_256:
		return EVP_aes_256_gcm();
	default:
		return EVP_chacha20_poly1305();
	}
}

static void be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Per-record nonce; for 1.2 GCM the explicit part is the sequence number. */
static void nonce(const struct tlskeys *k, const uint8_t *iv, uint64_t seq,
		  uint8_t out[12])
{
	uint8_t s[8];
	int i;

	be64(s, seq);
	if (k->iv_len == 4) {
		memcpy(out, iv, 4);
		memcpy(out + 4, s, 8);
		return;
	}
	memcpy(out, iv, 12);
	for (i = 0; i < 8; i++)
		out[4 + i] ^= s[i];
}

/* Seals application data; returns the record length or -1. */
static int seal(const struct tlskeys *k, int tx, uint64_t seq,
		const char *msg, uint8_t *rec)
{
	const uint8_t *key = tx ? k->tx_key : k->rx_key;
	const uint8_t *iv = tx ? k->tx_iv : k->rx_iv;
	size_t mlen = strlen(msg), plen, explicit = k->iv_len == 4 ? 8 : 0;
	uint8_t n[12], aad[13], in[256];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len, ok = 1;
	size_t aadlen, body;

	memcpy(in, msg, mlen);
	plen = mlen;
	if (k->version == TLS_1_3_VERSION)
		in[plen++] = 23;	/* inner content type */
	body = explicit + plen + 16;
	rec[0] = 23;
	rec[1] = 3;
	rec[2] = 3;
	rec[3] = (uint8_t)(body >> 8);
	rec[4] = (uint8_t)body;
	nonce(k, iv, seq, n);
	if (explicit)
		memcpy(rec + 5, n + 4, 8);
	if (k->version == TLS_1_3_VERSION) {
		memcpy(aad, rec, 5);
		aadlen = 5;
	} else {
		be64(aad, seq);
		aad[8] = 23;
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = (uint8_t)(plen >> 8);
		aad[12] = (uint8_t)plen;
		aadlen = 13;
	}
	ok &= EVP_EncryptInit_ex(c, aead(k), NULL, key, n);
	ok &= EVP_EncryptUpdate(c, NULL, &len, aad, (int)aadlen);
	ok &= EVP_EncryptUpdate(c, rec + 5 + explicit, &len, in, (int)plen);
	ok &= EVP_EncryptFinal_ex(c, rec + 5 + explicit + len, &len);
	ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16,
				  rec + 5 + explicit + plen);
	EVP_CIPHER_CTX_free(c);
	return ok ? (int)(5 + body) : -1;
}

/* Opens one record; returns the plaintext length (type in *type) or -1. */
static int open_rec(const struct tlskeys *k, int tx, uint64_t seq,
		    uint8_t *rec, size_t reclen, uint8_t *out, int *type)
{
	const uint8_t *key = tx ? k->tx_key : k->rx_key;
	const uint8_t *iv = tx ? k->tx_iv : k->rx_iv;
	size_t explicit = k->iv_len == 4 ? 8 : 0, clen, aadlen;
	uint8_t n[12], aad[13];
	EVP_CIPHER_CTX *c;
	int len, ok = 1;

	if (reclen < 5 + explicit + 16)
		return -1;
	clen = reclen - 5 - explicit - 16;
	nonce(k, iv, seq, n);
	if (explicit)
		memcpy(n + 4, rec + 5, 8);
	if (k->version == TLS_1_3_VERSION) {
		memcpy(aad, rec, 5);
		aadlen = 5;
	} else {
		be64(aad, seq);
		memcpy(aad + 8, rec, 3);
		aad[11] = (uint8_t)(clen >> 8);
		aad[12] = (uint8_t)clen;
		aadlen = 13;
	}
	c = EVP_CIPHER_CTX_new();
	ok &= EVP_DecryptInit_ex(c, aead(k), NULL, key, n);
	ok &= EVP_DecryptUpdate(c, NULL, &len, aad, (int)aadlen);
	ok &= EVP_DecryptUpdate(c, out, &len, rec + 5 + explicit, (int)clen);
	ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16,
				  rec + 5 + explicit + clen);
	ok &= EVP_DecryptFinal_ex(c, out + len, &len) > 0;
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return -1;
	*type = rec[0];
	if (k->version == TLS_1_3_VERSION) {
		while (clen > 0 && out[clen - 1] == 0)
			clen--;
		if (!clen)
			return -1;
		*type = out[--clen];
	}
	return (int)clen;
}

static int read_full(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int read_record(int fd, uint8_t *rec)
{
	size_t len;

	if (read_full(fd, rec, 5))
		return -1;
	len = (size_t)rec[3] << 8 | rec[4];
	if (len > 17000 || read_full(fd, rec + 5, len))
		return -1;
	return (int)(5 + len);
}

/* --- live handshakes */

static EVP_PKEY *srv_pkey;
static X509 *srv_cert;

struct client {
	int fd;
	int version;		/* TLS1_2_VERSION or TLS1_3_VERSION */
	const char *cipher;	/* OpenSSL name */
	bool two;		/* send two records before waiting */
	char reply[64];
	bool ok;
};

static void *client_main(void *arg)
{
	struct client *cl = arg;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	int n;

	SSL_CTX_set_min_proto_version(ctx, cl->version);
	SSL_CTX_set_max_proto_version(ctx, cl->version);
	if (cl->version == TLS1_3_VERSION)
		SSL_CTX_set_ciphersuites(ctx, cl->cipher);
	else
		SSL_CTX_set_cipher_list(ctx, cl->cipher);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, cl->fd);
	if (SSL_connect(ssl) != 1)
		goto out;
	if (SSL_write(ssl, "first message", 13) != 13)
		goto out;
	if (cl->two && SSL_write(ssl, "second", 6) != 6)
		goto out;
	n = SSL_read(ssl, cl->reply, sizeof(cl->reply) - 1);
	if (n <= 0)
		goto out;
	cl->reply[n] = '\0';
	if (SSL_write(ssl, "last", 4) != 4)
		goto out;
	cl->ok = true;
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return NULL;
}

static void live(int version, const char *cipher, uint16_t want_cipher,
		 bool two)
{
	const char *vname = version == TLS1_3_VERSION ? "1.3" : "1.2";
	struct client cl = { .version = version, .cipher = cipher, .two = two };
	uint8_t rec[17000], pt[17000], one;
	uint64_t want_tx, want_rx;
	struct tlskeys k;
	char err[128], d[160];
	int sv[2], n, type = 0, ok;
	pthread_t th;
	SSL_CTX *ctx;
	SSL *ssl;

	memset(&k, 0, sizeof(k));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("socketpair");
		exit(1);
	}
	cl.fd = sv[1];
	ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ctx, srv_cert);
	SSL_CTX_use_PrivateKey(ctx, srv_pkey);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	tlskeys_ctx_setup(ctx);
	ssl = SSL_new(ctx);
	tlskeys_attach(ssl);
	SSL_set_fd(ssl, sv[0]);
	pthread_create(&th, NULL, client_main, &cl);

	ok = SSL_accept(ssl) == 1;
	if (ok && two)
		ok = SSL_read(ssl, &one, 1) == 1 && one == 'f';
	ok = ok && !tlskeys_extract(ssl, &k, err, sizeof(err));
	snprintf(d, sizeof(d), "%s %s%s: handshake and extract", vname,
		 cipher, two ? " (buffered plaintext)" : "");
	tap_ok(ok, d);
	if (!ok) {
		ERR_print_errors_fp(stdout);
		printf("# %s\n", err);
	}
	snprintf(d, sizeof(d), "%s %s: version and cipher", vname, cipher);
	tap_ok(k.version == (version == TLS1_3_VERSION ? TLS_1_3_VERSION :
			     TLS_1_2_VERSION) && k.cipher == want_cipher, d);

	/* 1.3: two tickets sent; 1.2: Finished was 0 in both directions. */
	want_tx = version == TLS1_3_VERSION ? 2 : 1;
	want_rx = (version == TLS1_3_VERSION ? 0 : 1) + (two ? 1 : 0);
	snprintf(d, sizeof(d), "%s %s: tx_seq %llu rx_seq %llu (got %llu %llu)",
		 vname, cipher, (unsigned long long)want_tx,
		 (unsigned long long)want_rx, (unsigned long long)k.tx_seq,
		 (unsigned long long)k.rx_seq);
	tap_ok(k.tx_seq == want_tx && k.rx_seq == want_rx, d);

	snprintf(d, sizeof(d), "%s %s: initial data", vname, cipher);
	if (two)
		tap_ok(k.initial_len == 12 &&
		       !memcmp(k.initial, "irst message", 12), d);
	else
		tap_ok(k.initial_len == 0, d);

	/* The client's next record, opened with the RX key. */
	n = ok ? read_record(sv[0], rec) : -1;
	if (n > 0)
		n = open_rec(&k, 0, k.rx_seq, rec, (size_t)n, pt, &type);
	pt[n > 0 ? n : 0] = '\0';
	snprintf(d, sizeof(d), "%s %s: rx key opens the client's record",
		 vname, cipher);
	tap_ok(n > 0 && type == 23 &&
	       !strcmp((char *)pt, two ? "second" : "first message"), d);

	/* A record sealed with the TX key: the OpenSSL client must take it. */
	n = ok ? seal(&k, 1, k.tx_seq, "sealed by tlskeys", rec) : -1;
	snprintf(d, sizeof(d), "%s %s: seal with tx key", vname, cipher);
	tap_ok(n > 0 && write(sv[0], rec, (size_t)n) == n, d);

	n = ok ? read_record(sv[0], rec) : -1;
	if (n > 0)
		n = open_rec(&k, 0, k.rx_seq + 1, rec, (size_t)n, pt, &type);
	pt[n > 0 ? n : 0] = '\0';
	snprintf(d, sizeof(d), "%s %s: next rx record at rx_seq + 1", vname,
		 cipher);
	tap_ok(n == 4 && !strcmp((char *)pt, "last"), d);

	shutdown(sv[0], SHUT_RDWR);
	pthread_join(th, NULL);
	snprintf(d, sizeof(d), "%s %s: the client accepted our record", vname,
		 cipher);
	tap_ok(cl.ok && !strcmp(cl.reply, "sealed by tlskeys"), d);

	tlskeys_clear(&k);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(PLAN);
	test_hkdf();
	test_prf();
	test_layout();

	if (test_make_cert("localhost", "DNS:localhost", &srv_pkey, &srv_cert)) {
		printf("Bail out! cannot make a test certificate\n");
		return 1;
	}
	live(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", TLS_CIPHER_AES_GCM_128,
	     false);
	live(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", TLS_CIPHER_AES_GCM_256,
	     false);
	live(TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256",
	     TLS_CIPHER_CHACHA20_POLY1305, false);
	live(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256",
	     TLS_CIPHER_AES_GCM_128, false);
	live(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384",
	     TLS_CIPHER_AES_GCM_256, false);
	live(TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305",
	     TLS_CIPHER_CHACHA20_POLY1305, false);
	live(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", TLS_CIPHER_AES_GCM_128,
	     true);
	live(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256",
	     TLS_CIPHER_AES_GCM_128, true);
	EVP_PKEY_free(srv_pkey);
	X509_free(srv_cert);
	return tap_done(PLAN);
}
