/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kTLS-ready traffic keys out of an OpenSSL 3 server connection, using
 * public APIs only.
 *
 *   tlskeys_ctx_setup(ctx)	once per SSL_CTX (every context a connection
 *				may switch to): installs the keylog and
 *				message callbacks, turns read-ahead off
 *   tlskeys_attach(ssl)		before the handshake starts
 *   ... SSL_accept() until it returns 1 ...
 *   tlskeys_extract(ssl, &k)	keys, IVs, sequence numbers and the
 *				plaintext OpenSSL already decrypted
 *   tlskeys_clear(&k)		zeroes and frees
 *
 * Secrets: TLS 1.3 traffic secrets come from the keylog callback
 * (CLIENT_TRAFFIC_SECRET_0 / SERVER_TRAFFIC_SECRET_0) and are expanded
 * with HKDF-Expand-Label (RFC 8446 7.1, 7.3); TLS 1.2 uses the session's
 * master secret and the PRF "key expansion" block (RFC 5246 6.3).
 *
 * Sequence numbers: the message callback sees every record header OpenSSL
 * reads or writes. A direction's count starts when its keys change (TLS
 * 1.3: after the Finished of that direction; TLS 1.2: after its
 * ChangeCipherSpec, so the Finished record is number 0), so tx_seq counts
 * the NewSessionTicket records a TLS 1.3 server already sent and rx_seq
 * any application record OpenSSL read. A KeyUpdate makes extraction fail.
 *
 * The state lives in the SSL's ex_data and is zeroed when the SSL is
 * freed. Nothing here logs key material.
 */
#ifndef TLSGW_TLSKEYS_H
#define TLSGW_TLSKEYS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/tls.h>
#include <openssl/ssl.h>

#define TLSKEYS_KEY_MAX		32
#define TLSKEYS_IV_MAX		12
#define TLSKEYS_SECRET_MAX	EVP_MAX_MD_SIZE
/* As TLSGW_INITIAL_DATA_MAX in the uapi header. */
#define TLSKEYS_INITIAL_MAX	65536

struct tlskeys {
	uint16_t version;	/* TLS_1_2_VERSION or TLS_1_3_VERSION */
	uint16_t cipher;	/* TLS_CIPHER_AES_GCM_128, _256, _CHACHA20_POLY1305 */
	uint8_t key_len;	/* 16 or 32 */
	uint8_t iv_len;		/* 12, or 4 for AES-GCM in TLS 1.2 */
	uint8_t tx_key[TLSKEYS_KEY_MAX];	/* server write */
	uint8_t rx_key[TLSKEYS_KEY_MAX];	/* client write */
	uint8_t tx_iv[TLSKEYS_IV_MAX];		/* as TLS derives it */
	uint8_t rx_iv[TLSKEYS_IV_MAX];
	uint64_t tx_seq;	/* next record the server sends */
	uint64_t rx_seq;	/* next record expected from the client */
	unsigned char *initial;	/* plaintext OpenSSL had decrypted, or NULL */
	size_t initial_len;
};

/* Any of the kTLS crypto_info structs, for tlskeys_crypto_info(). */
union tlskeys_crypto_info {
	struct tls_crypto_info info;
	struct tls12_crypto_info_aes_gcm_128 aes128;
	struct tls12_crypto_info_aes_gcm_256 aes256;
	struct tls12_crypto_info_chacha20_poly1305 chacha;
};

int tlskeys_ctx_setup(SSL_CTX *ctx);
int tlskeys_attach(SSL *ssl);

/*
 * After a successful handshake. Returns 0, or -1 with a message in err
 * (which never contains key material). Fails if the cipher is not one
 * kTLS takes, if OpenSSL holds part of a record it has not decrypted, or
 * if more than TLSKEYS_INITIAL_MAX bytes were already decrypted.
 */
int tlskeys_extract(SSL *ssl, struct tlskeys *k, char *err, size_t errlen);

void tlskeys_clear(struct tlskeys *k);

/*
 * The kTLS layout of one direction (tx true: the server's write side),
 * as setsockopt(SOL_TLS, TLS_TX/TLS_RX) takes it:
 *   salt    = IV[0..3]
 *   iv      = IV[4..11] (TLS 1.3 AES-GCM); the 8-byte explicit nonce of
 *             the next record, here the sequence number big-endian (TLS
 *             1.2 AES-GCM, whose derived IV is only the 4-byte salt);
 *             ChaCha20-Poly1305 takes the whole 12-byte IV in iv
 *   rec_seq = the sequence number, big-endian
 * Returns the struct size to pass to setsockopt, or 0 on bad input.
 */
size_t tlskeys_crypto_info(const struct tlskeys *k, int tx,
			   union tlskeys_crypto_info *ci);

/* Names for logs: "1.3", "AES-128-GCM"... ("?" if unknown). */
const char *tlskeys_version_name(uint16_t version);
const char *tlskeys_cipher_name(uint16_t cipher);

/* The derivations, exported for the unit tests. 0 or -1. */
int tlskeys_hkdf_expand_label(const EVP_MD *md, const uint8_t *secret,
			      size_t secret_len, const char *label,
			      uint8_t *out, size_t out_len);
int tlskeys_tls12_prf(const EVP_MD *md, const uint8_t *secret,
		      size_t secret_len, const char *label,
		      const uint8_t *seed, size_t seed_len,
		      uint8_t *out, size_t out_len);

#endif /* TLSGW_TLSKEYS_H */
