// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the STARTTLS parsers (kmod/starttls/proto.c), TAP
 * output.
 *
 * Each transcript is a dialogue (client and server steps, in order) with
 * the findings it must give: the union of the events of every call, and
 * the final phase. Every transcript is then replayed one byte per call,
 * with each run of same-direction steps in one call, and with
 * pseudo-random splits: each replay must give the same events per run and
 * end in the very same struct stls_flow. The server transcripts are what
 * Postfix 3.7, aiosmtpd 1.4, Dovecot 2.3 and vsftpd 3.0 send. A few tests
 * check block_off and single steps.
 *
 * "test_starttls -c DIR" writes every transcript as a libFuzzer seed to
 * DIR/<proto>/<name> in the harness's script format (fuzz/fuzz_starttls.c)
 * instead of testing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../kmod/starttls/proto.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct step {
	int dir;		/* enum stls_dir, or -1 at the end */
	const char *s;
	size_t len;
};

#define C(x) { STLS_C2S, x, sizeof(x) - 1 }
#define S(x) { STLS_S2C, x, sizeof(x) - 1 }
#define END { -1, NULL, 0 }

/* The start of a TLS 1.2/1.3 ClientHello record, and a few bytes more. */
#define HELLO "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x5a\x3b"

#define OFFERED		STLS_EV_OFFERED
#define NOT_OFFERED	STLS_EV_NOT_OFFERED
#define STRIPPED	STLS_EV_STRIPPED
#define REQUESTED	STLS_EV_REQUESTED
#define ACCEPTED	STLS_EV_ACCEPTED
#define REFUSED		STLS_EV_REFUSED
#define TLS_STARTED	STLS_EV_TLS_STARTED
#define TLS_MISSING	STLS_EV_TLS_MISSING
#define CMD_INJ		STLS_EV_CMD_INJECTION
#define RESP_INJ	STLS_EV_RESP_INJECTION
#define CLEAR_AUTH	STLS_EV_CLEAR_AUTH
#define CCC		STLS_EV_CCC
#define PRETLS		STLS_EV_PRETLS_CMD
#define UPGRADE		(REQUESTED | ACCEPTED | TLS_STARTED)

/* SMTP */

#define POSTFIX_GREETING "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n"
#define POSTFIX_EHLO \
	"250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n" \
	"250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n" \
	"250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
#define POSTFIX_EHLO_NOTLS \
	"250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n" \
	"250-VRFY\r\n250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n" \
	"250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n" \
	"250-SMTPUTF8\r\n250 CHUNKING\r\n"

static const struct step smtp_postfix[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n"),
	C(HELLO),
	S("\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03"),
	C("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),	/* inside TLS */
	END
};

static const struct step smtp_aiosmtpd[] = {
	S("220 mx.example.net Python SMTP 1.4.4\r\n"),
	C("ehlo [127.0.0.1]\r\n"),
	S("250-mx.example.net\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n"
	  "250-SMTPUTF8\r\n250-STARTTLS\r\n250 HELP\r\n"),
	C("starttls\r\n"),
	S("220 Ready to start TLS\r\n"),
	C(HELLO),
	END
};

static const struct step smtp_refused[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\r\n"),
	S("454 4.7.0 TLS not available due to local problem\r\n"),
	C("QUIT\r\n"),
	S("221 2.0.0 Bye\r\n"),
	END
};

static const struct step smtp_auth_plain[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO_NOTLS),
	C("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
	S("235 2.7.0 Authentication successful\r\n"),
	END
};

static const struct step smtp_auth_login[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO_NOTLS),
	C("AUTH LOGIN\r\n"),
	S("334 VXNlcm5hbWU6\r\n"),
	C("YWxpY2U=\r\n"),
	S("334 UGFzc3dvcmQ6\r\n"),
	C("c2VjcmV0\r\n"),
	S("235 2.7.0 Authentication successful\r\n"),
	C("QUIT\r\n"),
	END
};

static const struct step smtp_inject_one[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\r\nRSET\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n"),
	C(HELLO),
	END
};

static const struct step smtp_inject_two[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\r\n"),
	C("MAIL FROM:<attacker@example.org>\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n"),
	C(HELLO),
	END
};

static const struct step smtp_resp_inject[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n250-evil\r\n"),
	C(HELLO),
	END
};

static const struct step smtp_stripped_asa[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S("250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	  "250-XXXXXXXA\r\n250 8BITMIME\r\n"),
	C("MAIL FROM:<a@example.org>\r\n"),
	END
};

static const struct step smtp_stripped_x[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S("250-mail.example.com\r\n250-PIPELINING\r\n250-XXXXXXXX\r\n"
	  "250 8BITMIME\r\n"),
	END
};

static const struct step smtp_not_offered[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S("250 mail.example.com\r\n"),
	C("QUIT\r\n"),
	S("221 Bye\r\n"),
	END
};

static const struct step smtp_tls_missing[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n"),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
	END
};

/* A body line looking like a command, and a BDAT chunk holding one. */
static const struct step smtp_body[] = {
	S(POSTFIX_GREETING),
	C("EHLO client.example.org\r\n"),
	S("250-mail.example.com\r\n250-STARTTLS\r\n250 CHUNKING\r\n"),
	C("DATA\r\n"),
	S("354 End data with <CR><LF>.<CR><LF>\r\n"),
	C("Subject: hi\r\n\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nSTARTTLS\r\n"
	  "..\r\n.\r\n"),
	S("250 2.0.0 Ok: queued as 4Bc1\r\n"),
	C("BDAT 14 LAST\r\nAUTH LOGIN\r\n\r\n"),
	S("250 2.0.0 Ok\r\n"),
	C("STARTTLS\r\n"),
	S("220 Ready\r\n"),
	C(HELLO),
	END
};

/*
 * BDAT from a client whose server never offered CHUNKING: the server
 * refuses it and reads what follows as commands, and so does the parser.
 */
static const struct step smtp_bdat_unoffered[] = {
	S(POSTFIX_GREETING),
	C("HELO client.example.org\r\n"),
	S("250 mail.example.com\r\n"),
	C("BDAT 14 LAST\r\nAUTH LOGIN\r\n\r\n"),
	S("500 5.5.2 Error: command not recognized\r\n"),
	S("334 VXNlcm5hbWU6\r\n"),
	END
};

static const struct step smtp_overlong[] = {
	S("220 "),
	S("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef\r\n"),
	C("EHLO client\r\n"),
	S("250-mail.example.com\r\n250-X-LONG "),
	S("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef\r\n"),
	S("250 STARTTLS\r\n"),
	C("AUTH PLAIN "),
	C("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	  "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	  "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	  "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	  "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n"),
	END
};

/* NUL bytes and garbage, then a clean upgrade. */
static const struct step smtp_garbage[] = {
	S("\0\0\xff\xfe 220\0\r\n"),
	S(POSTFIX_GREETING),
	C("\0\0\0STARTTLS\r\nSTARTTLS\0\r\n\x80\x81\x82\n"),
	S("500 5.5.2 Error: bad syntax\r\n500 5.5.2 Error: bad syntax\r\n"),
	S("500 5.5.2 Error: bad syntax\r\n\0\0\n"),
	C("EHLO client.example.org\r\n"),
	S(POSTFIX_EHLO),
	C("STARTTLS\n"),
	S("220 go\n"),
	C(HELLO),
	END
};

/* Replies nobody asked for. */
static const struct step smtp_unsolicited[] = {
	S("250 ok\r\n250-a\r\n250 b\r\n220 c\r\n354 d\r\n334 e\r\n"),
	S("421 4.3.0 shutting down\r\n"),
	END
};

/* POP3 */

#define DOVECOT_POP3_GREETING "+OK Dovecot (Debian) ready.\r\n"
#define DOVECOT_CAPA \
	"+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\n" \
	"AUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN\r\n.\r\n"

static const struct step pop3_dovecot[] = {
	S(DOVECOT_POP3_GREETING),
	C("CAPA\r\n"),
	S(DOVECOT_CAPA),
	C("STLS\r\n"),
	S("+OK Begin TLS negotiation now.\r\n"),
	C(HELLO),
	END
};

static const struct step pop3_refused[] = {
	S(DOVECOT_POP3_GREETING),
	C("CAPA\r\n"),
	S(DOVECOT_CAPA),
	C("STLS\r\n"),
	S("-ERR [SYS/TEMP] TLS support isn't enabled.\r\n"),
	C("QUIT\r\n"),
	S("+OK Logging out\r\n"),
	END
};

static const struct step pop3_user_pass[] = {
	S(DOVECOT_POP3_GREETING),
	C("USER alice\r\n"),
	S("+OK\r\n"),
	C("PASS secret\r\n"),
	S("+OK Logged in.\r\n"),
	END
};

static const struct step pop3_apop[] = {
	S("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
	C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
	S("+OK maildrop has 1 message (369 octets)\r\n"),
	END
};

static const struct step pop3_auth[] = {
	S(DOVECOT_POP3_GREETING),
	C("AUTH PLAIN\r\n"),
	S("+ \r\n"),
	C("AGFsaWNlAHNlY3JldA==\r\n"),
	S("+OK Logged in.\r\n"),
	C("NOOP\r\n"),
	S("+OK\r\n"),
	END
};

/* Multi-line bodies holding "+OK", "STLS" and a stuffed ".": not answers. */
static const struct step pop3_multiline[] = {
	S(DOVECOT_POP3_GREETING),
	C("LIST\r\n"),
	S("+OK 2 messages:\r\n1 120\r\n+OK\r\n.\r\n"),
	C("RETR 1\r\nSTLS\r\n"),
	S("+OK 120 octets\r\nSubject: x\r\n\r\n+OK\r\nSTLS\r\n..\r\n"
	  "-ERR\r\n.\r\n"),
	S("-ERR not now\r\n"),
	C("CAPA\r\n"),
	S("+OK\r\nTOP\r\n"),
	S("USER\r\n.\r\n"),
	C("STLS\r\n"),
	S("+OK Begin TLS negotiation now.\r\n"),
	C(HELLO),
	END
};

static const struct step pop3_stripped[] = {
	S(DOVECOT_POP3_GREETING),
	C("CAPA\r\n"),
	S("+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nXXXX\r\nUSER\r\n.\r\n"),
	END
};

static const struct step pop3_tls_missing[] = {
	S(DOVECOT_POP3_GREETING),
	C("STLS\r\n"),
	S("+OK Begin TLS negotiation now.\r\n"),
	C("USER alice\r\n"),
	END
};

static const struct step pop3_inject[] = {
	S(DOVECOT_POP3_GREETING),
	C("STLS\r\nUSER alice\r\n"),
	S("+OK Begin TLS negotiation now.\r\n+OK\r\n"),
	C(HELLO),
	END
};

static const struct step pop3_unsolicited[] = {
	S("+OK\r\n-ERR\r\n+ \r\n.\r\n+OK\r\n"),
	C("NOOP\r\n"),
	S("-ERR\r\n+OK\r\n"),
	END
};

/* IMAP */

#define DOVECOT_IMAP_GREETING \
	"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE " \
	"LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.\r\n"
#define DOVECOT_IMAP_CAPS \
	"* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE " \
	"LITERAL+ STARTTLS LOGINDISABLED\r\n" \
	"a001 OK Pre-login capabilities listed, post-login capabilities " \
	"have more.\r\n"

static const struct step imap_dovecot[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a001 CAPABILITY\r\n"),
	S(DOVECOT_IMAP_CAPS),
	C("a002 STARTTLS\r\n"),
	S("a002 OK Begin TLS negotiation now.\r\n"),
	C(HELLO),
	END
};

static const struct step imap_refused[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a1 STARTTLS\r\n"),
	S("a0 OK not yours\r\n* OK still waiting\r\n"),
	S("a1 NO [UNAVAILABLE] TLS not available\r\n"),
	C("a2 LOGOUT\r\n"),
	END
};

static const struct step imap_bad[] = {
	S(DOVECOT_IMAP_GREETING),
	C("x STARTTLS\r\n"),
	S("x BAD Unknown command\r\n"),
	END
};

static const struct step imap_login[] = {
	S("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
	  "LITERAL+ AUTH=PLAIN] Dovecot (Debian) ready.\r\n"),
	C("a001 LOGIN alice secret\r\n"),
	S("a001 OK [CAPABILITY IMAP4rev1 SASL-IR] Logged in\r\n"),
	END
};

static const struct step imap_authenticate[] = {
	S("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.\r\n"),
	C("a001 AUTHENTICATE PLAIN\r\n"),
	S("+ \r\n"),
	C("AGFsaWNlAHNlY3JldA==\r\n"),
	S("a001 OK Logged in\r\n"),
	C("a002 NOOP\r\n"),
	END
};

/* Literal contents are data: a LOGIN inside one is not a command. */
static const struct step imap_literal[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a001 APPEND INBOX {14}\r\n"),
	S("+ OK\r\n"),
	C("a2 LOGIN u p\r\n\r\n"),
	S("a001 OK appended\r\n"),
	C("a003 NOOP {13+}\r\nb LOGIN u p\r\n {1}\r\nx\r\n"),
	C("a004 STARTTLS\r\n"),
	S("a003 OK\r\n* 1 FETCH (BODY[] {17}\r\n"),
	S("a004 OK go\r\n* x\r\n)\r\n"),
	S("a004 OK Begin TLS negotiation now.\r\n"),
	C(HELLO),
	END
};

/* A synchronizing literal the server refuses is never sent. */
static const struct step imap_literal_refused[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a1 APPEND INBOX {4000000000}\r\n"),
	S("a1 NO [TOOBIG] Mail too large\r\n"),
	C("a2 LOGIN alice secret\r\n"),
	END
};

/* ... but another command's answer does not refuse it. */
static const struct step imap_literal_other_tag[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a1 NOOP\r\na2 APPEND INBOX {14}\r\n"),
	S("a1 OK\r\n"),
	S("+ go\r\n"),
	C("b LOGIN u p\r\n\r\n"),
	S("a2 OK appended\r\n"),
	END
};

static const struct step imap_login_literal[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a1 LOGIN {5}\r\nalice {6}\r\nsecret\r\n"),
	S("a1 OK Logged in\r\n"),
	END
};

/* A capability list much longer than the line buffer. */
#define CAPS_PAD \
	"X-EXT-00 X-EXT-01 X-EXT-02 X-EXT-03 X-EXT-04 X-EXT-05 X-EXT-06 " \
	"X-EXT-07 X-EXT-08 X-EXT-09 X-EXT-10 X-EXT-11 X-EXT-12 X-EXT-13 " \
	"X-EXT-14 X-EXT-15 X-EXT-16 X-EXT-17 X-EXT-18 X-EXT-19 X-EXT-20 " \
	"X-EXT-21 X-EXT-22 X-EXT-23 X-EXT-24 X-EXT-25 X-EXT-26 X-EXT-27 " \
	"X-EXT-28 X-EXT-29 X-EXT-30 X-EXT-31 X-EXT-32 X-EXT-33 X-EXT-34 "
#define CAPS_LONGTOKEN \
	"X-LONG-0123456789abcdef0123456789abcdef0123456789abcdef0123456789" \
	"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789" \
	"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789" \
	"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789" \
	"abcdef0123456789abcdef0123456789abcdef0123456789 "

static const struct step imap_long_caps[] = {
	S("* OK [CAPABILITY IMAP4rev1 " CAPS_PAD CAPS_PAD "STARTTLS "
	  CAPS_PAD "] ready.\r\n"),
	C("a CAPABILITY\r\n"),
	S("* CAPABILITY IMAP4rev1 " CAPS_LONGTOKEN CAPS_PAD "X-EXT-STARTTLS "
	  CAPS_PAD CAPS_LONGTOKEN "STARTTLS\r\na OK\r\n"),
	C("b STARTTLS\r\n"),
	S("b OK go\r\n"),
	C(HELLO),
	END
};

static const struct step imap_long_caps_without[] = {
	S("* OK [CAPABILITY IMAP4rev1 " CAPS_PAD CAPS_PAD CAPS_PAD
	  "] STARTTLS is only in the text\r\n"),
	C("a CAPABILITY\r\n"),
	S("* CAPABILITY IMAP4rev1 " CAPS_PAD CAPS_LONGTOKEN CAPS_PAD
	  "\r\na OK\r\n"),
	END
};

/* An overlong line: its literal is found in the kept tail. */
static const struct step imap_literal_overlong[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a1 APPEND INBOX (\\Seen) \"" CAPS_PAD CAPS_PAD "\" {14}\r"),
	C("\n"),
	S("+ OK\r\n"),
	C("a2 LOGIN u p\r\n\r\n"),
	S("a1 OK appended\r\n* 2 FETCH (X \"" CAPS_PAD CAPS_PAD
	  "\" BODY[] {16}\r\n"),
	S("a2 OK [ALERT]\r\n)\r\n"),
	C("a3 LOGOUT\r\n"),
	S("* BYE\r\na3 OK\r\n"),
	END
};

static const struct step imap_stripped[] = {
	S("* OK [CAPABILITY IMAP4rev1 SASL-IR ID XXXXXXXX LOGINDISABLED] "
	  "Dovecot (Debian) ready.\r\n"),
	END
};

static const struct step imap_not_offered[] = {
	S("* OK [CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN] ready.\r\n"),
	C("a CAPABILITY\r\n"),
	S("* CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN\r\na OK done\r\n"),
	END
};

static const struct step imap_tls_missing[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a STARTTLS\r\n"),
	S("a OK Begin TLS negotiation now.\r\n"),
	C("b LOGIN alice secret\r\n"),
	END
};

static const struct step imap_inject[] = {
	S(DOVECOT_IMAP_GREETING),
	C("a STARTTLS\r\nb LOGIN alice secret\r\n"),
	S("a OK Begin TLS negotiation now.\r\n* BYE\r\n"),
	C(HELLO),
	END
};

static const struct step imap_unsolicited[] = {
	S("a OK\r\n* OK\r\n+ x\r\nb NO\r\n* 1 FETCH {3}\r\nabc)\r\n"),
	C("a1 NOOP\r\n"),
	S("x BAD\r\na1 OK\r\n"),
	END
};

/* FTP */

#define VSFTPD_GREETING "220 (vsFTPd 3.0.3)\r\n"
#define VSFTPD_FEAT \
	"211-Features:\r\n AUTH SSL\r\n AUTH TLS\r\n EPRT\r\n EPSV\r\n" \
	" MDTM\r\n PASV\r\n PBSZ\r\n PROT\r\n REST STREAM\r\n SIZE\r\n" \
	" TVFS\r\n UTF8\r\n211 End\r\n"

static const struct step ftp_vsftpd[] = {
	S(VSFTPD_GREETING),
	C("FEAT\r\n"),
	S(VSFTPD_FEAT),
	C("AUTH TLS\r\n"),
	S("234 Proceed with negotiation.\r\n"),
	C(HELLO),
	END
};

static const struct step ftp_auth_ssl[] = {
	S("220-Welcome\r\n220-230 not an answer\r\n220 ready\r\n"),
	C("FEAT\r\n"),
	S("211-Extensions supported:\r\n AUTH TLS;SSL;TLS-C;TLS-P\r\n"
	  " PBSZ\r\n PROT C;P;\r\n211 END\r\n"),
	C("AUTH SSL\r\n"),
	S("334 AUTH SSL OK.\r\n"),
	C(HELLO),
	END
};

static const struct step ftp_refused[] = {
	S(VSFTPD_GREETING),
	C("FEAT\r\n"),
	S("211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n"
	  " REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n"),
	C("AUTH TLS\r\n"),
	S("530 Please login with USER and PASS.\r\n"),
	END
};

static const struct step ftp_login[] = {
	S(VSFTPD_GREETING),
	C("USER anonymous\r\n"),
	S("331 Please specify the password.\r\n"),
	C("PASS guest@\r\n"),
	S("230 Login successful.\r\n"),
	C("ACCT x\r\n"),
	S("202 Command not implemented.\r\n"),
	END
};

static const struct step ftp_ccc[] = {
	S(VSFTPD_GREETING),
	C("AUTH TLS\r\n"),
	S("234 Proceed with negotiation.\r\n"),
	C("PBSZ 0\r\n"),
	S("200 PBSZ=0\r\n"),
	C("CCC\r\n"),
	S("200 CCC OK\r\n"),
	C("PASV\r\n"),
	END
};

/*
 * RFC 4217 CCC inside TLS: whole records (a ClientHello, the server's
 * flight, application data with bytes that look like commands), then
 * close_notify both ways and cleartext commands.
 */
#define CH_REC "\x16\x03\x01\x00\x2a\x01\x00\x00\x2c\x03\x03" \
	"USER alice\r\n" "\n\n\x17\x03\x03\x00" "PASS x\r\n" "0123456789"
#define SH_REC "\x16\x03\x03\x00\x0a\x02\x00\x00\x06\x03\x03" \
	"\r\n\x15\x03"
#define CCS_REC "\x14\x03\x03\x00\x01\x01"
#define APP_REC(x) "\x17\x03\x03\x00\x0c" x
#define CLOSE_NOTIFY "\x15\x03\x03\x00\x02\x01\x00"

static const struct step ftp_ccc_tls[] = {
	S(VSFTPD_GREETING),
	C("AUTH TLS\r\n"),
	S("234 Proceed with negotiation.\r\n"),
	C(CH_REC),
	S(SH_REC CCS_REC APP_REC("200 PBSZ=0\r\n")),
	C(CCS_REC APP_REC("PBSZ 0\r\n\0\0\0\0")),
	S(APP_REC("\x16\x03\x03\x00\x00XXXXXXX")),
	C(APP_REC("CCC\r\nUSER x\n")),
	S(APP_REC("200 CCC OK\r\n")),
	C(CLOSE_NOTIFY),
	S(CLOSE_NOTIFY),
	C("USER alice\r\n"),
	S("331 Please specify the password.\r\n"),
	C("PASS secret\r\n"),
	S("230 Login successful.\r\n"),
	C("PWD\r\n"),
	S("257 \"/\"\r\n"),
	END
};

/* The same records, but the flow stays in TLS. */
static const struct step ftp_tls_stays[] = {
	S(VSFTPD_GREETING),
	C("AUTH TLS\r\n"),
	S("234 Proceed with negotiation.\r\n"),
	C(CH_REC),
	S(SH_REC CCS_REC APP_REC("200 PBSZ=0\r\n")),
	C(CCS_REC APP_REC("PBSZ 0\r\n\0\0\0\0")),
	S(APP_REC("200 PROT P\r\n")),
	C(APP_REC("USER alice\r\n") APP_REC("PASS secre\r\n")),
	S(APP_REC("230 Login.\r\n")),
	C(CLOSE_NOTIFY),
	S(CLOSE_NOTIFY),
	END
};

/* Other protocols: nothing is looked at after the ClientHello. */
static const struct step smtp_tls_then_clear[] = {
	S(POSTFIX_GREETING),
	C("STARTTLS\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n"),
	C(CH_REC),
	S(SH_REC),
	C(CLOSE_NOTIFY "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
	S(CLOSE_NOTIFY "235 ok\r\n"),
	END
};

static const struct step pop3_tls_then_clear[] = {
	S("+OK Dovecot ready.\r\n"),
	C("STLS\r\n"),
	S("+OK Begin TLS negotiation now.\r\n"),
	C(CH_REC),
	S(SH_REC),
	C(CLOSE_NOTIFY "USER alice\r\nPASS x\r\n"),
	S(CLOSE_NOTIFY "+OK\r\n"),
	END
};

static const struct step imap_tls_then_clear[] = {
	S("* OK ready\r\n"),
	C("a STARTTLS\r\n"),
	S("a OK Begin TLS negotiation now.\r\n"),
	C(CH_REC),
	S(SH_REC),
	C(CLOSE_NOTIFY "b LOGIN alice x\r\n"),
	S(CLOSE_NOTIFY "b OK\r\n"),
	END
};

static const struct step ftp_stripped[] = {
	S(VSFTPD_GREETING),
	C("FEAT\r\n"),
	S("211-Features:\r\n XXXX XXX\r\n EPSV\r\n PASV\r\n211 End\r\n"),
	END
};

static const struct step ftp_inject[] = {
	S(VSFTPD_GREETING),
	C("AUTH TLS\r\nUSER anonymous\r\n"),
	S("234 Proceed with negotiation.\r\n331 Password?\r\n"),
	C(HELLO),
	END
};

static const struct step ftp_telnet[] = {
	S(VSFTPD_GREETING),
	C("\xff\xf4\xff\xf2" "ABOR\r\n"),
	S("225 No transfer to ABOR.\r\n"),
	C("SYST\r\n"),
	S("215 UNIX Type: L8\r\n"),
	END
};

static const struct step ftp_unsolicited[] = {
	S("234 x\r\n334 y\r\n200 z\r\n211-x\r\n AUTH TLS\r\n211 y\r\n"),
	C("NOOP\r\n"),
	S("200 ok\r\n200 ok\r\n"),
	END
};

struct transcript {
	const char *name;
	enum stls_proto proto;
	const struct step *steps;
	unsigned int events;	/* union of every call's events */
	enum stls_phase phase;	/* at the end */
};

static const struct transcript transcripts[] = {
	{ "smtp_postfix", STLS_SMTP, smtp_postfix, OFFERED | UPGRADE,
	  STLS_PH_TLS },
	{ "smtp_aiosmtpd", STLS_SMTP, smtp_aiosmtpd, OFFERED | UPGRADE,
	  STLS_PH_TLS },
	{ "smtp_refused", STLS_SMTP, smtp_refused,
	  OFFERED | REQUESTED | REFUSED, STLS_PH_PLAIN },
	{ "smtp_auth_plain", STLS_SMTP, smtp_auth_plain,
	  NOT_OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "smtp_auth_login", STLS_SMTP, smtp_auth_login,
	  NOT_OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "smtp_inject_one", STLS_SMTP, smtp_inject_one,
	  OFFERED | UPGRADE | CMD_INJ, STLS_PH_TLS },
	{ "smtp_inject_two", STLS_SMTP, smtp_inject_two,
	  OFFERED | UPGRADE | CMD_INJ | PRETLS, STLS_PH_TLS },
	{ "smtp_resp_inject", STLS_SMTP, smtp_resp_inject,
	  OFFERED | UPGRADE | RESP_INJ, STLS_PH_TLS },
	{ "smtp_stripped_asa", STLS_SMTP, smtp_stripped_asa,
	  STRIPPED | PRETLS, STLS_PH_PLAIN },
	{ "smtp_stripped_x", STLS_SMTP, smtp_stripped_x, STRIPPED,
	  STLS_PH_PLAIN },
	{ "smtp_not_offered", STLS_SMTP, smtp_not_offered, NOT_OFFERED,
	  STLS_PH_PLAIN },
	{ "smtp_tls_missing", STLS_SMTP, smtp_tls_missing,
	  OFFERED | REQUESTED | ACCEPTED | TLS_MISSING | CLEAR_AUTH | PRETLS,
	  STLS_PH_NO_TLS },
	{ "smtp_body", STLS_SMTP, smtp_body, OFFERED | PRETLS | UPGRADE,
	  STLS_PH_TLS },
	{ "smtp_bdat_unoffered", STLS_SMTP, smtp_bdat_unoffered,
	  CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "smtp_overlong", STLS_SMTP, smtp_overlong,
	  OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "smtp_garbage", STLS_SMTP, smtp_garbage,
	  PRETLS | OFFERED | UPGRADE, STLS_PH_TLS },
	{ "smtp_unsolicited", STLS_SMTP, smtp_unsolicited, 0, STLS_PH_PLAIN },
	{ "pop3_dovecot", STLS_POP3, pop3_dovecot, OFFERED | UPGRADE,
	  STLS_PH_TLS },
	{ "pop3_refused", STLS_POP3, pop3_refused,
	  OFFERED | REQUESTED | REFUSED, STLS_PH_PLAIN },
	{ "pop3_user_pass", STLS_POP3, pop3_user_pass, CLEAR_AUTH | PRETLS,
	  STLS_PH_PLAIN },
	{ "pop3_apop", STLS_POP3, pop3_apop, CLEAR_AUTH | PRETLS,
	  STLS_PH_PLAIN },
	{ "pop3_auth", STLS_POP3, pop3_auth, CLEAR_AUTH | PRETLS,
	  STLS_PH_PLAIN },
	{ "pop3_multiline", STLS_POP3, pop3_multiline,
	  PRETLS | REQUESTED | REFUSED | NOT_OFFERED | UPGRADE, STLS_PH_TLS },
	{ "pop3_stripped", STLS_POP3, pop3_stripped, STRIPPED, STLS_PH_PLAIN },
	{ "pop3_tls_missing", STLS_POP3, pop3_tls_missing,
	  REQUESTED | ACCEPTED | TLS_MISSING | CLEAR_AUTH | PRETLS,
	  STLS_PH_NO_TLS },
	{ "pop3_inject", STLS_POP3, pop3_inject,
	  UPGRADE | CMD_INJ | RESP_INJ | CLEAR_AUTH | PRETLS, STLS_PH_TLS },
	{ "pop3_unsolicited", STLS_POP3, pop3_unsolicited, 0, STLS_PH_PLAIN },
	{ "imap_dovecot", STLS_IMAP, imap_dovecot, OFFERED | UPGRADE,
	  STLS_PH_TLS },
	{ "imap_refused", STLS_IMAP, imap_refused,
	  OFFERED | REQUESTED | REFUSED, STLS_PH_PLAIN },
	{ "imap_bad", STLS_IMAP, imap_bad, OFFERED | REQUESTED | REFUSED,
	  STLS_PH_PLAIN },
	{ "imap_login", STLS_IMAP, imap_login,
	  NOT_OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "imap_authenticate", STLS_IMAP, imap_authenticate,
	  NOT_OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "imap_literal", STLS_IMAP, imap_literal,
	  OFFERED | PRETLS | UPGRADE, STLS_PH_TLS },
	{ "imap_literal_refused", STLS_IMAP, imap_literal_refused,
	  OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "imap_literal_other_tag", STLS_IMAP, imap_literal_other_tag,
	  OFFERED | PRETLS, STLS_PH_PLAIN },
	{ "imap_literal_overlong", STLS_IMAP, imap_literal_overlong,
	  OFFERED | PRETLS, STLS_PH_PLAIN },
	{ "imap_login_literal", STLS_IMAP, imap_login_literal,
	  OFFERED | CLEAR_AUTH | PRETLS, STLS_PH_PLAIN },
	{ "imap_long_caps", STLS_IMAP, imap_long_caps, OFFERED | UPGRADE,
	  STLS_PH_TLS },
	{ "imap_long_caps_without", STLS_IMAP, imap_long_caps_without,
	  NOT_OFFERED, STLS_PH_PLAIN },
	{ "imap_stripped", STLS_IMAP, imap_stripped, STRIPPED, STLS_PH_PLAIN },
	{ "imap_not_offered", STLS_IMAP, imap_not_offered, NOT_OFFERED,
	  STLS_PH_PLAIN },
	{ "imap_tls_missing", STLS_IMAP, imap_tls_missing,
	  OFFERED | REQUESTED | ACCEPTED | TLS_MISSING | CLEAR_AUTH | PRETLS,
	  STLS_PH_NO_TLS },
	{ "imap_inject", STLS_IMAP, imap_inject,
	  OFFERED | UPGRADE | CMD_INJ | RESP_INJ | CLEAR_AUTH | PRETLS,
	  STLS_PH_TLS },
	{ "imap_unsolicited", STLS_IMAP, imap_unsolicited, 0, STLS_PH_PLAIN },
	{ "ftp_vsftpd", STLS_FTP, ftp_vsftpd, OFFERED | UPGRADE, STLS_PH_TLS },
	{ "ftp_auth_ssl", STLS_FTP, ftp_auth_ssl, OFFERED | UPGRADE,
	  STLS_PH_TLS },
	{ "ftp_refused", STLS_FTP, ftp_refused,
	  NOT_OFFERED | REQUESTED | REFUSED, STLS_PH_PLAIN },
	{ "ftp_login", STLS_FTP, ftp_login, CLEAR_AUTH | PRETLS,
	  STLS_PH_PLAIN },
	{ "ftp_ccc", STLS_FTP, ftp_ccc,
	  REQUESTED | ACCEPTED | TLS_MISSING | PRETLS | CCC, STLS_PH_CCC },
	{ "ftp_ccc_tls", STLS_FTP, ftp_ccc_tls,
	  UPGRADE | CCC | CLEAR_AUTH | PRETLS, STLS_PH_CCC },
	{ "ftp_tls_stays", STLS_FTP, ftp_tls_stays, UPGRADE, STLS_PH_TLS },
	{ "smtp_tls_then_clear", STLS_SMTP, smtp_tls_then_clear, UPGRADE,
	  STLS_PH_TLS },
	{ "pop3_tls_then_clear", STLS_POP3, pop3_tls_then_clear, UPGRADE,
	  STLS_PH_TLS },
	{ "imap_tls_then_clear", STLS_IMAP, imap_tls_then_clear, UPGRADE,
	  STLS_PH_TLS },
	{ "ftp_stripped", STLS_FTP, ftp_stripped, STRIPPED, STLS_PH_PLAIN },
	{ "ftp_inject", STLS_FTP, ftp_inject,
	  UPGRADE | CMD_INJ | RESP_INJ | CLEAR_AUTH | PRETLS, STLS_PH_TLS },
	{ "ftp_telnet", STLS_FTP, ftp_telnet, PRETLS, STLS_PH_PLAIN },
	{ "ftp_unsolicited", STLS_FTP, ftp_unsolicited, 0, STLS_PH_PLAIN },
};

static const char *const proto_names[] = {
	[STLS_SMTP] = "smtp", [STLS_POP3] = "pop3", [STLS_IMAP] = "imap",
	[STLS_FTP] = "ftp",
};

#define MAX_RUNS 64

/* How a replay cuts each step. */
enum split { AS_WRITTEN, BYTES, RUNS, RANDOM };

struct replay {
	struct stls_flow flow;
	unsigned int events;		/* union */
	unsigned int run_events[MAX_RUNS];
};

static unsigned int rnd_state;

static unsigned int rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 16;
}

static void feed(struct replay *r, int dir, const char *p, size_t len,
		 unsigned int run)
{
	struct stls_result res;

	stls_feed(&r->flow, dir, (const stls_u8 *)p, len, &res);
	r->events |= res.events;
	r->run_events[run] |= res.events;
}

static void replay(const struct transcript *t, enum split how,
		   struct replay *r)
{
	static char buf[8192];
	const struct step *s;
	unsigned int run = 0;
	size_t off, n, len = 0;

	memset(r, 0, sizeof(*r));
	stls_init(&r->flow, t->proto);
	for (s = t->steps; s->dir >= 0; s++) {
		if (s != t->steps && s->dir != s[-1].dir)
			run++;
		switch (how) {
		case AS_WRITTEN:
			feed(r, s->dir, s->s, s->len, run);
			break;
		case BYTES:
			for (off = 0; off < s->len; off++)
				feed(r, s->dir, s->s + off, 1, run);
			break;
		case RANDOM:
			for (off = 0; off < s->len; off += n) {
				n = 1 + rnd() % 40;
				if (n > s->len - off)
					n = s->len - off;
				feed(r, s->dir, s->s + off, n, run);
			}
			break;
		case RUNS:
			if (len + s->len > sizeof(buf))
				abort();
			memcpy(buf + len, s->s, s->len);
			len += s->len;
			if (s[1].dir != s->dir) {
				feed(r, s->dir, buf, len, run);
				len = 0;
			}
			break;
		}
	}
}

static char *event_names(unsigned int ev)
{
	static const char *const names[] = {
		"OFFERED", "NOT_OFFERED", "STRIPPED", "REQUESTED",
		"ACCEPTED", "REFUSED", "TLS_STARTED", "TLS_MISSING",
		"CMD_INJECTION", "RESP_INJECTION", "CLEAR_AUTH", "CCC",
		"PRETLS_CMD",
	};
	static char out[2][256];
	static int which;
	char *p = out[which ^= 1];
	size_t i;

	*p = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (ev & (1u << i)) {
			if (*p)
				strcat(p, "|");
			strcat(p, names[i]);
		}
	return p;
}

#define SPLIT_TESTS 4	/* bytes, runs and two random splits */
#define TRANSCRIPT_TESTS (2 + SPLIT_TESTS)

static void test_transcript(const struct transcript *t)
{
	static const enum split splits[SPLIT_TESTS] = {
		BYTES, RUNS, RANDOM, RANDOM
	};
	static const char *const split_names[SPLIT_TESTS] = {
		"one byte per call", "one call per run", "random split 1",
		"random split 2"
	};
	struct replay ref, other;
	char desc[160];
	int i;

	replay(t, AS_WRITTEN, &ref);
	snprintf(desc, sizeof(desc), "%s: events", t->name);
	tap_is(event_names(ref.events), event_names(t->events), desc);
	snprintf(desc, sizeof(desc), "%s: final phase", t->name);
	tap_ok(stls_phase(&ref.flow) == t->phase, desc);
	if (stls_phase(&ref.flow) != t->phase)
		printf("#   got phase %d, want %d\n", stls_phase(&ref.flow),
		       t->phase);
	for (i = 0; i < SPLIT_TESTS; i++) {
		rnd_state = i;
		replay(t, splits[i], &other);
		snprintf(desc, sizeof(desc), "%s: %s: same events per run "
			 "and same final state", t->name, split_names[i]);
		tap_ok(!memcmp(ref.run_events, other.run_events,
			       sizeof(ref.run_events)) &&
		       !memcmp(&ref.flow, &other.flow, sizeof(ref.flow)),
		       desc);
	}
}

/* Single calls: offsets and what one step reports. */

static unsigned int feed1(struct stls_flow *f, int dir, const char *s,
			  stls_size_t *off)
{
	struct stls_result res;

	stls_feed(f, dir, (const stls_u8 *)s, strlen(s), &res);
	if (off)
		*off = res.block_off;
	return res.events;
}

static void smtp_ready(struct stls_flow *f)
{
	stls_init(f, STLS_SMTP);
	feed1(f, STLS_S2C, POSTFIX_GREETING, NULL);
	feed1(f, STLS_C2S, "EHLO client.example.org\r\n", NULL);
	feed1(f, STLS_S2C, POSTFIX_EHLO, NULL);
}

/* An FTP flow that has just sent its whole ClientHello record. */
static void ftp_in_tls(struct stls_flow *f)
{
	struct stls_result res;

	stls_init(f, STLS_FTP);
	feed1(f, STLS_S2C, VSFTPD_GREETING, NULL);
	feed1(f, STLS_C2S, "AUTH TLS\r\n", NULL);
	feed1(f, STLS_S2C, "234 Proceed with negotiation.\r\n", NULL);
	stls_feed(f, STLS_C2S, (const stls_u8 *)CH_REC, sizeof(CH_REC) - 1, &res);
}

/* Like feed1(), for a literal that may hold NUL bytes. */
#define FEEDB(f, dir, lit, off) \
	feedn(f, dir, lit, sizeof(lit) - 1, off)

static unsigned int feedn(struct stls_flow *f, int dir, const char *s,
			  size_t len, stls_size_t *off)
{
	struct stls_result res;

	stls_feed(f, dir, (const stls_u8 *)s, len, &res);
	if (off)
		*off = res.block_off;
	return res.events;
}

#define CALL_TESTS 33

static void test_calls(void)
{
	struct stls_flow f;
	stls_size_t off = 99;
	unsigned int ev;

	smtp_ready(&f);
	ev = feed1(&f, STLS_C2S, "STARTTLS\r\nRSET\r\n", &off);
	tap_ok(ev == (REQUESTED | CMD_INJ) && off == 10,
	       "smtp: injection in the STARTTLS segment at offset 10");

	smtp_ready(&f);
	feed1(&f, STLS_C2S, "STARTTLS\r\n", NULL);
	ev = feed1(&f, STLS_C2S, "RSET\r\n", &off);
	tap_ok(ev == CMD_INJ && off == 0,
	       "smtp: injection in a later segment at offset 0");
	ev = feed1(&f, STLS_C2S, "NOOP\r\n", &off);
	tap_ok(ev == 0, "smtp: injection reported once per upgrade");
	ev = feed1(&f, STLS_S2C, "220 go\r\n", &off);
	tap_ok(ev == ACCEPTED && stls_phase(&f) == STLS_PH_ACCEPTED,
	       "smtp: 220 answers STARTTLS");
	ev = feed1(&f, STLS_S2C, "250 x\r\n", &off);
	tap_ok(ev == RESP_INJ && off == 0,
	       "smtp: server bytes before the ClientHello");

	smtp_ready(&f);
	feed1(&f, STLS_C2S, "STARTTLS\r\n", NULL);
	ev = feed1(&f, STLS_S2C, "220 2.0.0 Ready to start TLS\r\n250 x\r\n",
		   &off);
	tap_ok(ev == (ACCEPTED | RESP_INJ) && off == 30,
	       "smtp: response injection offset after the 220 line");
	ev = feed1(&f, STLS_C2S, "\x16\x03", NULL);
	tap_ok(ev == 0 && stls_phase(&f) == STLS_PH_ACCEPTED,
	       "smtp: two bytes of a record header decide nothing");
	ev = feed1(&f, STLS_C2S, "\x04", NULL);
	tap_ok(ev == TLS_STARTED && stls_phase(&f) == STLS_PH_TLS,
	       "smtp: the third one does");
	ev = feed1(&f, STLS_C2S, "AUTH PLAIN x\r\n", NULL) |
	     feed1(&f, STLS_S2C, "220 x\r\n", NULL);
	tap_ok(ev == 0, "smtp: nothing reported inside TLS");

	smtp_ready(&f);
	ev = feed1(&f, STLS_C2S, "NOOP\r\nMAIL FROM:<a@b>\r\nAUTH LOGIN\r\n",
		   &off);
	tap_ok(ev == (PRETLS | CLEAR_AUTH) && off == 6,
	       "smtp: block_off is the first offending line");
	smtp_ready(&f);
	feed1(&f, STLS_C2S, "NOOP\r\nAUTH PL", NULL);
	ev = feed1(&f, STLS_C2S, "AIN xx\r\n", &off);
	tap_ok(ev == (PRETLS | CLEAR_AUTH) && off == 0,
	       "smtp: a line begun in an earlier segment blocks at 0");

	smtp_ready(&f);
	feed1(&f, STLS_C2S, "AUTH LOGIN\r\n", NULL);
	feed1(&f, STLS_S2C, "334 VXNlcm5hbWU6\r\n", NULL);
	ev = feed1(&f, STLS_C2S, "YWxpY2U=\r\n", NULL);
	tap_ok(ev == 0, "smtp: SASL responses are not commands");

	smtp_ready(&f);
	feed1(&f, STLS_C2S, "STARTTLS\r\n", NULL);
	feed1(&f, STLS_S2C, "220 go\r\n", NULL);
	ev = feed1(&f, STLS_C2S, "\x16\x03QUIT\r\n", &off);
	tap_ok(ev == (TLS_MISSING | PRETLS) && off == 0 &&
	       stls_phase(&f) == STLS_PH_NO_TLS,
	       "smtp: a partial record header then cleartext");

	stls_init(&f, STLS_IMAP);
	feed1(&f, STLS_C2S, "a1 STARTTLS\r\n", NULL);
	ev = feed1(&f, STLS_S2C, "a10 OK\r\na OK\r\n* OK\r\n", NULL);
	tap_ok(ev == 0 && stls_phase(&f) == STLS_PH_REQUESTED,
	       "imap: only the STARTTLS tag answers it");
	ev = feed1(&f, STLS_S2C, "A1 ok go\r\n", NULL);
	tap_ok(ev == 0, "imap: tags are case-sensitive");
	ev = feed1(&f, STLS_S2C, "a1 ok go\r\n", NULL);
	tap_ok(ev == ACCEPTED, "imap: status words are not");

	stls_init(&f, STLS_FTP);
	feed1(&f, STLS_S2C, VSFTPD_GREETING, NULL);
	feed1(&f, STLS_C2S, "AUTH TLS\r\n", NULL);
	ev = feed1(&f, STLS_S2C, "334 ADAT=x\r\n", NULL);
	tap_ok(ev == 0 && stls_phase(&f) == STLS_PH_PLAIN,
	       "ftp: 334 does not answer AUTH TLS (only AUTH SSL)");

	ftp_in_tls(&f);
	tap_ok(stls_phase(&f) == STLS_PH_TLS && !stls_opaque(&f),
	       "ftp: in TLS, still followed");
	ev = FEEDB(&f, STLS_C2S, "\x17\x03", NULL);
	tap_ok(ev == 0, "ftp: two bytes of a record header");
	ev = FEEDB(&f, STLS_C2S, "\x03\x00", NULL);
	tap_ok(ev == 0, "ftp: two more");
	ev = FEEDB(&f, STLS_C2S, "\x04" "USE", NULL);
	tap_ok(ev == 0 && stls_phase(&f) == STLS_PH_TLS,
	       "ftp: the last one and a body that looks like a command");
	ev = FEEDB(&f, STLS_C2S, "R" "USER alice\r\n", &off);
	tap_ok(ev == (CCC | CLEAR_AUTH | PRETLS) && off == 1 &&
	       stls_phase(&f) == STLS_PH_CCC,
	       "ftp: cleartext after the record: CCC at its first byte");
	ev = FEEDB(&f, STLS_S2C, CLOSE_NOTIFY "331 Password?\r\n", NULL);
	tap_ok(ev == 0, "ftp: the server's close_notify, then cleartext");
	ev = FEEDB(&f, STLS_C2S, "PASS x\r\n", &off);
	tap_ok(ev == (CLEAR_AUTH | PRETLS) && off == 0,
	       "ftp: CCC reported once; PASS in cleartext");
	ev = FEEDB(&f, STLS_S2C, "230 ok\r\n", NULL) |
	     FEEDB(&f, STLS_C2S, "AUTH TLS\r\n", NULL) |
	     FEEDB(&f, STLS_S2C, "234 go\r\n", NULL) |
	     FEEDB(&f, STLS_C2S, CH_REC CLOSE_NOTIFY "USER b\r\n", &off);
	tap_ok(ev == (REQUESTED | ACCEPTED | TLS_STARTED | CCC | CLEAR_AUTH |
		      PRETLS) && off == sizeof(CH_REC CLOSE_NOTIFY) - 1,
	       "ftp: a second AUTH TLS and CCC are reported again");

	ftp_in_tls(&f);
	ev = FEEDB(&f, STLS_S2C, SH_REC "200 x\r\n", &off);
	tap_ok(ev == CCC && off == sizeof(SH_REC) - 1 &&
	       stls_phase(&f) == STLS_PH_CCC,
	       "ftp: the server shows cleartext first: CCC there");
	ev = FEEDB(&f, STLS_C2S, APP_REC("USER alice\r\n"), NULL);
	tap_ok(ev == 0, "ftp: the client's records are still skipped");
	ev = FEEDB(&f, STLS_C2S, "USER alice\r\n", &off);
	tap_ok(ev == (CLEAR_AUTH | PRETLS) && off == 0,
	       "ftp: then its cleartext is parsed, no second CCC");

	ftp_in_tls(&f);
	ev = FEEDB(&f, STLS_C2S, "\x17\x09" "USER alice\r\n", NULL) |
	     FEEDB(&f, STLS_C2S, "\nUSER alice\r\n", NULL);
	tap_ok(ev == 0 && stls_phase(&f) == STLS_PH_TLS && !stls_opaque(&f),
	       "ftp: a broken record header: that side is given up");
	ev = FEEDB(&f, STLS_S2C, "\x16\x03\x03\x48\x01" "230 x\r\n", NULL);
	tap_ok(ev == 0 && stls_opaque(&f),
	       "ftp: both sides given up (record too long): opaque");

	ftp_in_tls(&f);
	{
		static char big[16384 + 2048 + 5] = "\x17\x03\x03\x48\x00";

		ev = feedn(&f, STLS_C2S, big, sizeof(big), NULL);
	}
	ev |= FEEDB(&f, STLS_C2S, "USER a\r\n", &off);
	tap_ok(ev == (CCC | CLEAR_AUTH | PRETLS) && off == 0,
	       "ftp: a record of 2^14 + 2048 bytes is skipped");

	smtp_ready(&f);
	feed1(&f, STLS_C2S, "STARTTLS\r\n", NULL);
	feed1(&f, STLS_S2C, "220 go\r\n", NULL);
	feed1(&f, STLS_C2S, "\x16\x03\x01", NULL);
	tap_ok(stls_opaque(&f), "smtp: opaque once in TLS");
	ev = FEEDB(&f, STLS_C2S, "\x00\x00" CLOSE_NOTIFY "AUTH PLAIN x\r\n",
		   NULL);
	tap_ok(ev == 0 && stls_phase(&f) == STLS_PH_TLS,
	       "smtp: cleartext after records is not looked at");
}

/* Misuse: bad arguments, and the struct size the module relies on. */
#define MISC_TESTS 3

static void test_misc(void)
{
	struct stls_flow f;
	struct stls_result res;

	stls_init(&f, 0);
	stls_feed(&f, STLS_C2S, (const stls_u8 *)"AUTH x\r\n", 8, &res);
	tap_ok(res.events == 0, "unknown protocol: nothing reported");
	stls_init(&f, STLS_SMTP);
	stls_feed(&f, 7, (const stls_u8 *)"AUTH x\r\n", 8, &res);
	tap_ok(res.events == 0, "unknown direction: nothing reported");
	printf("# sizeof(struct stls_flow) = %zu\n", sizeof(f));
	tap_ok(sizeof(f) <= 640, "struct stls_flow stays small");
}

static int write_corpus(const char *dir)
{
	char path[4096];
	size_t i, off, n;

	for (i = 0; i < ARRAY_SIZE(transcripts); i++) {
		const struct transcript *t = &transcripts[i];
		const struct step *s;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", dir,
			 proto_names[t->proto]);
		if (mkdir(path, 0755) && errno != EEXIST) {
			perror(path);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s/%s", dir,
			 proto_names[t->proto], t->name);
		fp = fopen(path, "wb");
		if (!fp) {
			perror(path);
			return 1;
		}
		/* header: bit 0 direction, bits 1-7 length */
		for (s = t->steps; s->dir >= 0; s++)
			for (off = 0; off < s->len; off += n) {
				n = s->len - off > 127 ? 127 : s->len - off;
				fputc((int)(n << 1 | (s->dir == STLS_S2C)), fp);
				fwrite(s->s + off, 1, n, fp);
			}
		if (fclose(fp)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int plan = ARRAY_SIZE(transcripts) * TRANSCRIPT_TESTS +
			    CALL_TESTS + MISC_TESTS;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "-c"))
		return write_corpus(argv[2]);
	tap_plan(plan);
	for (i = 0; i < ARRAY_SIZE(transcripts); i++)
		test_transcript(&transcripts[i]);
	test_calls();
	test_misc();
	return tap_done(plan);
}
