/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types and helpers the plain-C protocol parsers need, from the
 * kernel or from libc: the parsers themselves include no other header.
 *
 * The types are macros rather than typedefs (kernel style allows no new
 * typedefs): the kernel's own types in the module, the same fixed-width
 * types from the uapi <linux/types.h> in userspace.
 */
#ifndef TLSGW_STARTTLS_TYPES_H
#define TLSGW_STARTTLS_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#define stls_u8 u8
#define stls_u16 u16
#define stls_u32 u32
#else
#include <linux/types.h>
#include <stddef.h>
#include <string.h>
#define stls_u8 __u8
#define stls_u16 __u16
#define stls_u32 __u32
#endif
#define stls_size_t size_t

#endif
