/* SPDX-License-Identifier: GPL-2.0 */
/* Throwaway self-signed certificates for the unit tests (P-256, 1 day). */
#ifndef TLSGW_TEST_CERT_H
#define TLSGW_TEST_CERT_H

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* sans: "DNS:a.example,DNS:*.b.example" or NULL. 0 or -1. */
static inline int test_make_cert(const char *cn, const char *sans,
				 EVP_PKEY **pkey_out, X509 **x509_out)
{
	EVP_PKEY *pkey = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;

	if (!pkey || !x)
		goto fail;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pkey);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (sans) {
		ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name,
					  sans);
		if (!ext)
			goto fail;
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	if (!X509_sign(x, pkey, EVP_sha256()))
		goto fail;
	*pkey_out = pkey;
	*x509_out = x;
	return 0;
fail:
	EVP_PKEY_free(pkey);
	X509_free(x);
	return -1;
}

/* Writes the certificate and/or key as PEM files. 0 or -1. */
static inline int test_write_pem(const char *cert_path, X509 *x,
				 const char *key_path, EVP_PKEY *pkey)
{
	FILE *f;
	int ok = 1;

	if (cert_path) {
		f = fopen(cert_path, "w");
		if (!f)
			return -1;
		ok &= PEM_write_X509(f, x);
		ok &= fclose(f) == 0;
	}
	if (key_path) {
		f = fopen(key_path, "w");
		if (!f)
			return -1;
		ok &= PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL);
		ok &= fclose(f) == 0;
	}
	return ok ? 0 : -1;
}

#endif /* TLSGW_TEST_CERT_H */
