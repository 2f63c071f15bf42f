// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_keys: proves tools/lib/tlskeys.c against the kernel's own kTLS, with
 * no tlsgw.ko involved. An OpenSSL server accepts on loopback, completes
 * the handshake, extracts the keys with tlskeys, installs kTLS TX and RX
 * on the socket itself, drops OpenSSL and echoes everything back with
 * plain read()/write() semantics (recvmsg with a TLS_GET_RECORD_TYPE cmsg
 * buffer, so alerts and handshake records are seen, not errors).
 *
 *   ktls_keys -c CERT -k KEY [-p PORT] [-v 1.2|1.3] [-C CIPHERS]
 *             [-n CONNS] [-b BYTES] [-1] [-t SECONDS]
 *
 *   -p  port on 127.0.0.1 (default 0: any; the port is printed first)
 *   -v  the only TLS version to accept (default: 1.2 and 1.3)
 *   -C  TLS 1.3 ciphersuites or TLS 1.2 cipher list, as OpenSSL names them
 *   -n  connections to serve, one after the other (default 1)
 *   -b  after echoing this many bytes, send close_notify and close
 *   -1  SSL_read one byte with OpenSSL before extracting, so that OpenSSL
 *       holds decrypted plaintext: exercises initial data and rx_seq
 *   -t  give up after this many seconds (default 600)
 *
 * Output, one line each, for the test to check:
 *   port N
 *   session version=1.3 cipher=AES-128-GCM tx_seq=2 rx_seq=0 initial=0
 *   done echoed=N alerts=N handshake=N end=close_notify|eof|error
 * Exit status 0 if every connection was served without an error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tls.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlskeys.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

#define TLS_RT_ALERT		21
#define TLS_RT_HANDSHAKE	22
#define TLS_RT_DATA		23

static void die(const char *what)
{
	fprintf(stderr, "ktls_keys: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/*
 * The whole hand-over to the kernel: TCP_ULP "tls" on the established
 * socket, then TX and RX with the layout tlskeys_crypto_info() builds.
 * tlsgw.ko does the same from the SESSION_OFFLOAD attributes.
 */
static int ktls_install(int fd, const struct tlskeys *k)
{
	union tlskeys_crypto_info ci;
	size_t len;
	int ret;

	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls"))) {
		perror("ktls_keys: TCP_ULP tls");
		return -1;
	}
	len = tlskeys_crypto_info(k, 1, &ci);
	ret = len ? setsockopt(fd, SOL_TLS, TLS_TX, &ci, (socklen_t)len) : -1;
	OPENSSL_cleanse(&ci, sizeof(ci));
	if (ret) {
		perror("ktls_keys: TLS_TX");
		return -1;
	}
	len = tlskeys_crypto_info(k, 0, &ci);
	ret = len ? setsockopt(fd, SOL_TLS, TLS_RX, &ci, (socklen_t)len) : -1;
	OPENSSL_cleanse(&ci, sizeof(ci));
	if (ret) {
		perror("ktls_keys: TLS_RX");
		return -1;
	}
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A record of another type than data: here, a close_notify alert. */
static int send_close_notify(int fd)
{
	unsigned char alert[2] = { 1, 0 };	/* warning, close_notify */
	char cbuf[CMSG_SPACE(sizeof(unsigned char))];
	struct iovec iov = { alert, sizeof(alert) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_TLS;
	cm->cmsg_type = TLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(sizeof(unsigned char));
	*CMSG_DATA(cm) = TLS_RT_ALERT;
	return sendmsg(fd, &msg, 0) == (ssize_t)sizeof(alert) ? 0 : -1;
}

struct echo_stats {
	unsigned long long echoed;
	unsigned int alerts, handshake;
	const char *end;
};

/* Echo through kTLS until close_notify, EOF, an error or the byte limit. */
static int echo(int fd, long long limit, struct echo_stats *es)
{
	static unsigned char buf[65536];
	char cbuf[CMSG_SPACE(sizeof(unsigned char))];
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *cm;
	unsigned char type;

	for (;;) {
		ssize_t n;

		if (limit >= 0 && es->echoed >= (unsigned long long)limit) {
			es->end = "limit";
			return send_close_notify(fd);
		}
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &msg, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("ktls_keys: recvmsg");
			es->end = "error";
			return -1;
		}
		if (n == 0) {
			es->end = "eof";
			return 0;
		}
		type = TLS_RT_DATA;
		cm = CMSG_FIRSTHDR(&msg);
		if (cm && cm->cmsg_level == SOL_TLS &&
		    cm->cmsg_type == TLS_GET_RECORD_TYPE)
			type = *CMSG_DATA(cm);
		switch (type) {
		case TLS_RT_DATA:
			if (write_all(fd, buf, (size_t)n)) {
				perror("ktls_keys: write");
				es->end = "error";
				return -1;
			}
			es->echoed += (unsigned long long)n;
			break;
		case TLS_RT_ALERT:
			es->alerts++;
			if (n == 2 && buf[1] == 0) {	/* close_notify */
				es->end = "close_notify";
				return send_close_notify(fd);
			}
			es->end = "alert";
			return -1;
		case TLS_RT_HANDSHAKE:
			/* KeyUpdate and friends: 6.1 cannot follow them. */
			es->handshake++;
			es->end = "handshake";
			return -1;
		default:
			es->end = "unknown record type";
			return -1;
		}
	}
}

static int serve(SSL_CTX *ctx, int lfd, bool peek, long long limit)
{
	struct echo_stats es = { .end = "?" };
	struct tlskeys k;
	unsigned char first = 0;
	char err[160];
	int fd, ret = -1;
	SSL *ssl;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	ssl = SSL_new(ctx);
	if (!ssl || tlskeys_attach(ssl) || !SSL_set_fd(ssl, fd))
		die("SSL_new");
	if (SSL_accept(ssl) != 1) {
		fprintf(stderr, "ktls_keys: handshake failed\n");
		ERR_print_errors_fp(stderr);
		goto out;
	}
	if (peek && SSL_read(ssl, &first, 1) != 1) {
		fprintf(stderr, "ktls_keys: SSL_read failed\n");
		goto out;
	}
	if (tlskeys_extract(ssl, &k, err, sizeof(err))) {
		fprintf(stderr, "ktls_keys: %s\n", err);
		goto out;
	}
	/* OpenSSL must not touch the socket again (no close_notify). */
	SSL_free(ssl);
	ssl = NULL;
	printf("session version=%s cipher=%s tx_seq=%llu rx_seq=%llu "
	       "initial=%zu\n", tlskeys_version_name(k.version),
	       tlskeys_cipher_name(k.cipher), (unsigned long long)k.tx_seq,
	       (unsigned long long)k.rx_seq, k.initial_len + (peek ? 1 : 0));
	fflush(stdout);
	if (ktls_install(fd, &k)) {
		tlskeys_clear(&k);
		goto out;
	}
	/* What OpenSSL already decrypted goes out first, through kTLS. */
	if ((peek && write_all(fd, &first, 1)) ||
	    (k.initial_len && write_all(fd, k.initial, k.initial_len))) {
		tlskeys_clear(&k);
		goto out;
	}
	es.echoed = k.initial_len + (peek ? 1 : 0);
	tlskeys_clear(&k);
	ret = echo(fd, limit, &es);
	printf("done echoed=%llu alerts=%u handshake=%u end=%s\n", es.echoed,
	       es.alerts, es.handshake, es.end);
	fflush(stdout);
out:
	SSL_free(ssl);
	close(fd);
	return ret;
}

static int version_arg(const char *s)
{
	if (!strcmp(s, "1.2"))
		return TLS1_2_VERSION;
	if (!strcmp(s, "1.3"))
		return TLS1_3_VERSION;
	die("-v takes 1.2 or 1.3");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *ciphers = NULL;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	int port = 0, version = 0, conns = 1, timeout = 600, one = 1;
	long long limit = -1;
	bool peek = false;
	int opt, lfd, i, rc = 0;
	SSL_CTX *ctx;

	while ((opt = getopt(argc, argv, "c:k:p:v:C:n:b:1t:")) != -1) {
		switch (opt) {
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'v': version = version_arg(optarg); break;
		case 'C': ciphers = optarg; break;
		case 'n': conns = atoi(optarg); break;
		case 'b': limit = atoll(optarg); break;
		case '1': peek = true; break;
		case 't': timeout = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: ktls_keys -c CERT -k KEY [-p PORT] "
				"[-v 1.2|1.3] [-C CIPHERS] [-n CONNS] [-b BYTES] "
				"[-1] [-t SECONDS]\n");
			return 2;
		}
	}
	if (!cert || !key)
		die("-c and -k are required");
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned int)timeout);

	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		die("cannot load the certificate and key");
	SSL_CTX_set_min_proto_version(ctx, version ? version : TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, version ? version : TLS1_3_VERSION);
	if (ciphers && (version == TLS1_3_VERSION ?
			SSL_CTX_set_ciphersuites(ctx, ciphers) :
			SSL_CTX_set_cipher_list(ctx, ciphers)) != 1)
		die("bad cipher list");
	if (tlskeys_ctx_setup(ctx))
		die("tlskeys_ctx_setup");

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 8) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen))
		die("cannot listen");
	printf("port %u\n", ntohs(sin.sin_port));
	fflush(stdout);
	for (i = 0; i < conns; i++)
		if (serve(ctx, lfd, peek, limit))
			rc = 1;
	close(lfd);
	SSL_CTX_free(ctx);
	return rc;
}
