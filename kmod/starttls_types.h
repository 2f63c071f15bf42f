/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types and helpers the plain-C protocol parsers need, from the
 * kernel or from libc: the parsers themselves include no other header.
 */
#ifndef TLSGW_STARTTLS_TYPES_H
#define TLSGW_STARTTLS_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
typedef u8 stp_u8;
typedef u16 stp_u16;
typedef u32 stp_u32;
typedef size_t stp_size_t;
#else
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t stp_u8;
typedef uint16_t stp_u16;
typedef uint32_t stp_u32;
typedef size_t stp_size_t;
#endif

#endif
