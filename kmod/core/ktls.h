/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_KTLS_H
#define _TLSGW_KTLS_H

#include <linux/net.h>
#include <linux/netlink.h>

/**
 * struct tlsgw_ktls_dir - one direction's traffic keys as TLS derives them
 * @key: the key
 * @iv: the IV (as the uapi describes it)
 * @key_len: length of @key
 * @iv_len: length of @iv
 * @seq: the next record's sequence number
 */
struct tlsgw_ktls_dir {
	const u8 *key;
	const u8 *iv;
	int key_len;
	int iv_len;
	u64 seq;
};

/**
 * struct tlsgw_ktls_params - what kTLS needs for one connection
 * @version: TLS version (TLS_1_2_VERSION or TLS_1_3_VERSION)
 * @cipher: TLS_CIPHER_*
 * @tx: the keys of what we send
 * @rx: the keys of what we receive
 */
struct tlsgw_ktls_params {
	u16 version;
	u16 cipher;
	struct tlsgw_ktls_dir tx;
	struct tlsgw_ktls_dir rx;
};

int tlsgw_ktls_validate(const struct tlsgw_ktls_params *p,
			struct netlink_ext_ack *extack);
int tlsgw_ktls_attach(struct socket *sock, struct netlink_ext_ack *extack);
int tlsgw_ktls_install(struct socket *sock, const struct tlsgw_ktls_params *p,
		       bool tx, struct netlink_ext_ack *extack);

#endif /* _TLSGW_KTLS_H */
