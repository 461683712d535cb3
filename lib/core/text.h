/* SPDX-License-Identifier: MIT */
/* Internal: checks on text the library stores (ids, labels). */
#ifndef OQ_CORE_TEXT_H
#define OQ_CORE_TEXT_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF). */
int oq__utf8_valid(const unsigned char *s, size_t len);

/* Length of s when it is 1..max bytes long, else 0 (empty) or max + 1 (too
 * long); never reads more than max + 1 bytes. */
size_t oq__bounded_len(const char *s, size_t max);

#endif
