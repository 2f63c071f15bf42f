// SPDX-License-Identifier: GPL-2.0
/*
 * tlsgwd's TLS contexts, one per service: protocol versions and the
 * ciphers kTLS can take, the certificate chosen by SNI, ALPN, and
 * tlskeys' callbacks; see tlsgwd.h.
 */
#include "tlsgwd.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

const char *ssl_error_text(void)
{
	static char buf[256];
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "connection closed or reset";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

/* Picks the certificate by SNI: the first whose names match, else [0]. */
static int cert_cb(SSL *ssl, void *arg)
{
	const struct svc *s = arg;
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	const struct conf_cert *cc = &s->conf->certs[0];
	int i;

	if (!sni)
		return 1;	/* the default is installed in the context */
	for (i = 0; i < s->conf->n_certs; i++)
		if (X509_check_host(s->conf->certs[i].x509, sni, 0,
				    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
				    NULL) == 1) {
			cc = &s->conf->certs[i];
			break;
		}
	if (i == 0 || i == s->conf->n_certs)
		return 1;
	SSL_certs_clear(ssl);
	return SSL_use_cert_and_key(ssl, cc->x509, cc->pkey, cc->chain, 1) == 1;
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		   const unsigned char *in, unsigned int inlen, void *arg)
{
	const struct svc *s = arg;

	(void)ssl;
	if (SSL_select_next_proto((unsigned char **)out, outlen,
				  s->conf->alpn, (unsigned int)s->conf->alpn_len,
				  in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	return SSL_TLSEXT_ERR_OK;
}

SSL_CTX *svc_ctx_new(struct svc *s, FILE *err)
{
	const struct conf_service *c = s->conf;
	const struct conf_cert *cc = &c->certs[0];
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, c->min_version);
	SSL_CTX_set_max_proto_version(ctx, c->max_version);
	/*
	 * No renegotiation (nothing could follow it after the offload), and
	 * never OpenSSL's own kTLS: the kernel module installs it.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE |
			    SSL_OP_NO_COMPRESSION);
	SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_KTLS);
	if (c->ktls_ciphers && SSL_CTX_set_cipher_list(ctx, c->ktls_ciphers) != 1)
		goto fail;
	/* An empty 1.3 list when only 1.2 is on: nothing else can slip in. */
	if (SSL_CTX_set_ciphersuites(ctx, c->ktls_ciphersuites ?
				     c->ktls_ciphersuites : "") != 1)
		goto fail;
	if (!c->ktls_ciphers &&
	    SSL_CTX_set_cipher_list(ctx, "AESGCM:CHACHA20:!aNULL") != 1)
		goto fail;
	if (SSL_CTX_use_cert_and_key(ctx, cc->x509, cc->pkey, cc->chain, 1) != 1)
		goto fail;
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)c->name,
				       (unsigned int)strlen(c->name));
	SSL_CTX_set_cert_cb(ctx, cert_cb, s);
	if (c->alpn_len)
		SSL_CTX_set_alpn_select_cb(ctx, alpn_cb, s);
	if (tlskeys_ctx_setup(ctx))
		goto fail;
	return ctx;
fail:
	fprintf(err, "%s:%d: service '%s': cannot set up TLS: %s\n",
		s->gen->conf.file, c->line, c->name, ssl_error_text());
	SSL_CTX_free(ctx);
	return NULL;
}
