// SPDX-License-Identifier: GPL-2.0
/*
 * Installing kTLS on a connected TCP socket from kernel context. There is
 * no exported setup API: use the socket's own setsockopt with kernel
 * pointers, as userspace would.
 */

#include <linux/tcp.h>
#include <net/tls.h>
#include <uapi/linux/tls.h>

#include "core/ktls.h"

/**
 * struct tlsgw_cipher - a cipher kTLS supports, and its sizes
 * @id: TLS_CIPHER_*
 * @key_len: key size
 * @salt_len: implicit part of the nonce
 * @iv_len: size of kTLS's iv field
 * @info_len: size of kTLS's struct tls12_crypto_info_* for it
 */
struct tlsgw_cipher {
	u16 id;
	int key_len;
	int salt_len;
	int iv_len;
	size_t info_len;
};

static const struct tlsgw_cipher tlsgw_ciphers[] = {
	{ TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_128_KEY_SIZE,
	  TLS_CIPHER_AES_GCM_128_SALT_SIZE, TLS_CIPHER_AES_GCM_128_IV_SIZE,
	  sizeof(struct tls12_crypto_info_aes_gcm_128) },
	{ TLS_CIPHER_AES_GCM_256, TLS_CIPHER_AES_GCM_256_KEY_SIZE,
	  TLS_CIPHER_AES_GCM_256_SALT_SIZE, TLS_CIPHER_AES_GCM_256_IV_SIZE,
	  sizeof(struct tls12_crypto_info_aes_gcm_256) },
	{ TLS_CIPHER_CHACHA20_POLY1305, TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE,
	  TLS_CIPHER_CHACHA20_POLY1305_SALT_SIZE,
	  TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE,
	  sizeof(struct tls12_crypto_info_chacha20_poly1305) },
};

static const struct tlsgw_cipher *tlsgw_cipher_find(u16 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tlsgw_ciphers); i++)
		if (tlsgw_ciphers[i].id == id)
			return &tlsgw_ciphers[i];
	return NULL;
}

/*
 * The IV as TLS derives it: 12 bytes, except for AES-GCM in TLS 1.2,
 * whose 4-byte implicit salt is all the key block gives.
 */
static int tlsgw_ktls_iv_len(const struct tlsgw_ktls_params *p,
			     const struct tlsgw_cipher *c)
{
	if (p->version == TLS_1_2_VERSION && c->salt_len)
		return c->salt_len;
	return 12;
}

static int tlsgw_ktls_check_dir(const struct tlsgw_ktls_params *p,
				const struct tlsgw_cipher *c,
				const struct tlsgw_ktls_dir *d,
				struct netlink_ext_ack *extack)
{
	if (d->key_len != c->key_len) {
		NL_SET_ERR_MSG_MOD(extack, "key length does not match the cipher");
		return -EINVAL;
	}
	if (d->iv_len != tlsgw_ktls_iv_len(p, c)) {
		NL_SET_ERR_MSG_MOD(extack, "IV length: 12 bytes, 4 for AES-GCM in TLS 1.2");
		return -EINVAL;
	}
	return 0;
}

/**
 * tlsgw_ktls_validate() - checks traffic keys before anything is changed
 * @p: the version, the cipher and both directions' keys
 * @extack: for the reason of a refusal
 *
 * Context: any.
 * Return: 0, or -EINVAL with a message in @extack.
 */
int tlsgw_ktls_validate(const struct tlsgw_ktls_params *p,
			struct netlink_ext_ack *extack)
{
	const struct tlsgw_cipher *c;
	int err;

	if (p->version != TLS_1_2_VERSION && p->version != TLS_1_3_VERSION) {
		NL_SET_ERR_MSG_MOD(extack, "TLS version must be 1.2 (0x0303) or 1.3 (0x0304)");
		return -EINVAL;
	}
	c = tlsgw_cipher_find(p->cipher);
	if (!c) {
		NL_SET_ERR_MSG_MOD(extack, "cipher: AES-GCM-128, AES-GCM-256 or ChaCha20-Poly1305");
		return -EINVAL;
	}
	err = tlsgw_ktls_check_dir(p, c, &p->tx, extack);
	if (!err)
		err = tlsgw_ktls_check_dir(p, c, &p->rx, extack);
	return err;
}

static int tlsgw_setsockopt(struct socket *sock, int level, int name,
			    const void *val, unsigned int len)
{
	return sock->ops->setsockopt(sock, level, name,
				     KERNEL_SOCKPTR((void *)val), len);
}

/**
 * tlsgw_ktls_attach() - attaches the tls ULP to a TCP socket
 * @sock: the socket
 * @extack: for the reason of a failure
 *
 * Context: process context; takes the socket lock (through setsockopt).
 * Return: 0, -ENOPROTOOPT if kTLS is not available, or another negative
 * errno of setsockopt(TCP_ULP).
 */
int tlsgw_ktls_attach(struct socket *sock, struct netlink_ext_ack *extack)
{
	int err;

	err = tlsgw_setsockopt(sock, SOL_TCP, TCP_ULP, "tls", sizeof("tls"));
	if (err == -ENOENT) {
		NL_SET_ERR_MSG_MOD(extack, "kTLS is not available: load the tls module");
		return -ENOPROTOOPT;
	}
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "cannot attach the tls ULP to the client socket");
	return err;
}

/*
 * Builds the kTLS crypto_info for one direction. Layout: the salt is the
 * implicit nonce (first bytes of the derived IV); for TLS 1.3 the iv field
 * holds the rest of it; TLS 1.2 AES-GCM sends its 8-byte explicit nonce,
 * for which the record sequence number is a fine unique choice. ChaCha20
 * takes the whole 12-byte IV. Lengths were validated before.
 */
static void tlsgw_ktls_fill_gcm(u8 *key, int key_len, u8 *salt, u8 *iv,
				u8 *rec_seq, const struct tlsgw_ktls_dir *d,
				__be64 seq)
{
	memcpy(key, d->key, key_len);
	memcpy(salt, d->iv, TLS_CIPHER_AES_GCM_128_SALT_SIZE);
	if (d->iv_len == TLS_CIPHER_AES_GCM_128_SALT_SIZE)
		memcpy(iv, &seq, TLS_CIPHER_AES_GCM_128_IV_SIZE);
	else
		memcpy(iv, d->iv + TLS_CIPHER_AES_GCM_128_SALT_SIZE,
		       TLS_CIPHER_AES_GCM_128_IV_SIZE);
	memcpy(rec_seq, &seq, sizeof(seq));
}

static void tlsgw_ktls_fill(union tls_crypto_context *info,
			    const struct tlsgw_ktls_params *p,
			    const struct tlsgw_ktls_dir *d)
{
	struct tls12_crypto_info_aes_gcm_128 *g128 = &info->aes_gcm_128;
	struct tls12_crypto_info_aes_gcm_256 *g256 = &info->aes_gcm_256;
	struct tls12_crypto_info_chacha20_poly1305 *cc =
		&info->chacha20_poly1305;
	__be64 seq = cpu_to_be64(d->seq);

	info->info.version = p->version;
	info->info.cipher_type = p->cipher;
	switch (p->cipher) {
	case TLS_CIPHER_AES_GCM_128:
		tlsgw_ktls_fill_gcm(g128->key, sizeof(g128->key), g128->salt,
				    g128->iv, g128->rec_seq, d, seq);
		break;
	case TLS_CIPHER_AES_GCM_256:
		tlsgw_ktls_fill_gcm(g256->key, sizeof(g256->key), g256->salt,
				    g256->iv, g256->rec_seq, d, seq);
		break;
	default:
		memcpy(cc->key, d->key, sizeof(cc->key));
		memcpy(cc->iv, d->iv, sizeof(cc->iv));
		memcpy(cc->rec_seq, &seq, sizeof(cc->rec_seq));
		break;
	}
}

/**
 * tlsgw_ktls_install() - installs one direction's keys in kTLS
 * @sock: a socket tlsgw_ktls_attach() attached
 * @p: keys that tlsgw_ktls_validate() accepted
 * @tx: the TX keys (else the RX keys)
 * @extack: for the reason of a failure
 *
 * Context: process context; takes the socket lock (through setsockopt).
 * Return: 0 or the negative errno of setsockopt(SOL_TLS).
 */
int tlsgw_ktls_install(struct socket *sock, const struct tlsgw_ktls_params *p,
		       bool tx, struct netlink_ext_ack *extack)
{
	const struct tlsgw_cipher *c = tlsgw_cipher_find(p->cipher);
	union tls_crypto_context info = {};
	int err;

	tlsgw_ktls_fill(&info, p, tx ? &p->tx : &p->rx);
	err = tlsgw_setsockopt(sock, SOL_TLS, tx ? TLS_TX : TLS_RX, &info,
			       c->info_len);
	memzero_explicit(&info, sizeof(info));
	if (err && tx)
		NL_SET_ERR_MSG_MOD(extack, "installing kTLS TX on the client socket failed");
	else if (err)
		NL_SET_ERR_MSG_MOD(extack, "installing kTLS RX on the client socket failed");
	return err;
}
