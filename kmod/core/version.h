/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_VERSION_H
#define _TLSGW_VERSION_H

#define TLSGW_VERSION "0.1.0"

#endif /* _TLSGW_VERSION_H */
