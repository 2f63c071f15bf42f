// SPDX-License-Identifier: GPL-2.0
/*
 * SOCKS5 users (RFC 1929). A password is kept only as SHA-256 over a
 * random per-user salt and the password, computed with the kernel crypto
 * API, and checked in constant time; a name that does not exist costs the
 * same hash, so timing does not tell which names exist. svc->lock guards
 * svc->users.
 */

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "socks/socks.h"

static struct crypto_shash *socks_sha256;

/**
 * tlsgw_socks_auth_init() - allocates the SHA-256 transform of passwords
 *
 * Context: module init.
 * Return: 0 or the error of crypto_alloc_shash().
 */
int tlsgw_socks_auth_init(void)
{
	socks_sha256 = crypto_alloc_shash("sha256", 0, 0);
	return PTR_ERR_OR_ZERO(socks_sha256);
}

/**
 * tlsgw_socks_auth_exit() - frees the SHA-256 transform
 *
 * Context: module exit.
 */
void tlsgw_socks_auth_exit(void)
{
	crypto_free_shash(socks_sha256);
}

static int tlsgw_socks_hash(const u8 *salt, const u8 *pass, size_t len,
			    u8 *out)
{
	SHASH_DESC_ON_STACK(desc, socks_sha256);
	int err;

	desc->tfm = socks_sha256;
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, salt, TLSGW_SOCKS_SALT_LEN) ?:
	      crypto_shash_update(desc, pass, len) ?:
	      crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return err;
}

static void tlsgw_socks_user_free(struct kref *ref)
{
	struct tlsgw_socks_user *user = container_of(ref,
						     struct tlsgw_socks_user,
						     ref);

	kfree_sensitive(user);
}

/**
 * tlsgw_socks_user_put() - drops a reference on a user
 * @user: the user
 *
 * The last reference frees it (zeroed: it holds the password's hash).
 *
 * Context: any.
 */
void tlsgw_socks_user_put(struct tlsgw_socks_user *user)
{
	kref_put(&user->ref, tlsgw_socks_user_free);
}

static struct tlsgw_socks_user *tlsgw_socks_user_find(struct tlsgw_socks_svc *svc,
						      const char *name,
						      size_t len)
{
	struct tlsgw_socks_user *user;

	lockdep_assert_held(&svc->lock);
	list_for_each_entry(user, &svc->users, node)
		if (user->name_len == len && !memcmp(user->name, name, len))
			return user;
	return NULL;
}

/**
 * tlsgw_socks_user_set() - adds a user, or replaces the password of one
 * @svc: the service
 * @name: the user name
 * @password: the password
 * @len: the password's length
 * @extack: for the reason of a refusal
 *
 * A replaced user starts with new counters; connections that authenticated
 * as the old one keep it until they end.
 *
 * Context: process context; takes @svc->lock.
 * Return: 0, -ENOMEM, -ENOSPC (too many users) or an error of hashing.
 */
int tlsgw_socks_user_set(struct tlsgw_socks_svc *svc, const char *name,
			 const u8 *password, size_t len,
			 struct netlink_ext_ack *extack)
{
	struct tlsgw_socks_user *user, *old;
	size_t nlen = strlen(name);
	int err;

	user = kzalloc(sizeof(*user), GFP_KERNEL_ACCOUNT);
	if (!user)
		return -ENOMEM;
	kref_init(&user->ref);
	user->name_len = nlen;
	memcpy(user->name, name, nlen);
	get_random_bytes(user->salt, sizeof(user->salt));
	err = tlsgw_socks_hash(user->salt, password, len, user->hash);
	if (err) {
		kfree_sensitive(user);
		return err;
	}

	mutex_lock(&svc->lock);
	old = tlsgw_socks_user_find(svc, name, nlen);
	if (!old && svc->n_users >= TLSGW_SOCKS_USERS_MAX) {
		mutex_unlock(&svc->lock);
		kfree_sensitive(user);
		NL_SET_ERR_MSG_MOD(extack, "too many users in this SOCKS5 service");
		return -ENOSPC;
	}
	if (old)
		list_replace(&old->node, &user->node);
	else
		list_add_tail(&user->node, &svc->users);
	if (!old)
		svc->n_users++;
	mutex_unlock(&svc->lock);
	if (old)
		tlsgw_socks_user_put(old);
	return 0;
}

/**
 * tlsgw_socks_user_del() - deletes a user
 * @svc: the service
 * @name: the user name
 * @extack: for the reason of a refusal
 *
 * Context: process context; takes @svc->lock.
 * Return: 0 or -ENOENT.
 */
int tlsgw_socks_user_del(struct tlsgw_socks_svc *svc, const char *name,
			 struct netlink_ext_ack *extack)
{
	struct tlsgw_socks_user *user;

	mutex_lock(&svc->lock);
	user = tlsgw_socks_user_find(svc, name, strlen(name));
	if (user) {
		list_del(&user->node);
		svc->n_users--;
	}
	mutex_unlock(&svc->lock);
	if (!user) {
		NL_SET_ERR_MSG_MOD(extack, "no such SOCKS5 user");
		return -ENOENT;
	}
	tlsgw_socks_user_put(user);
	return 0;
}

/**
 * tlsgw_socks_authenticate() - checks a RFC 1929 user name and password
 * @svc: the service
 * @name: the user name
 * @nlen: its length
 * @pass: the password
 * @plen: its length
 *
 * An unknown user is hashed for too (with a dummy salt); a known user's
 * failure counts as its AUTH_FAILED.
 *
 * Context: process context; takes @svc->lock.
 * Return: the user, with a reference, if name and password match; else
 * NULL.
 */
struct tlsgw_socks_user *tlsgw_socks_authenticate(struct tlsgw_socks_svc *svc,
						  const u8 *name, size_t nlen,
						  const u8 *pass, size_t plen)
{
	static const u8 dummy_salt[TLSGW_SOCKS_SALT_LEN];
	struct tlsgw_socks_user *user;
	u8 hash[SHA256_DIGEST_SIZE];
	bool ok;

	mutex_lock(&svc->lock);
	user = tlsgw_socks_user_find(svc, name, nlen);
	if (user)
		kref_get(&user->ref);
	mutex_unlock(&svc->lock);

	ok = !tlsgw_socks_hash(user ? user->salt : dummy_salt, pass, plen,
			       hash) &&
	     user && !crypto_memneq(hash, user->hash, sizeof(hash));
	memzero_explicit(hash, sizeof(hash));
	if (ok)
		return user;
	if (user) {
		atomic64_inc(&user->ctr[TLSGW_SOCKS_CTR_AUTH_FAILED]);
		tlsgw_socks_user_put(user);
	}
	return NULL;
}

/**
 * tlsgw_socks_users_flush() - drops every user of a service
 * @svc: the service
 *
 * The service is being freed: nobody else can see the list, so no lock is
 * taken.
 *
 * Context: any.
 */
void tlsgw_socks_users_flush(struct tlsgw_socks_svc *svc)
{
	struct tlsgw_socks_user *user, *tmp;

	list_for_each_entry_safe(user, tmp, &svc->users, node)
		tlsgw_socks_user_put(user);
	INIT_LIST_HEAD(&svc->users);
	svc->n_users = 0;
}
