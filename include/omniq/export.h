/* SPDX-License-Identifier: MIT */
/* omniq — symbol export macro.
 *
 * The library is built with hidden visibility; only declarations marked OQ_API
 * are exported from the shared object. Hosts never need to define anything:
 * OQ_BUILDING is set by the library's own build only. */
#ifndef OMNIQ_EXPORT_H
#define OMNIQ_EXPORT_H

#if defined(_WIN32)
#  if defined(OQ_BUILDING)
#    define OQ_API __declspec(dllexport)
#  else
#    define OQ_API
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define OQ_API __attribute__((visibility("default")))
#else
#  define OQ_API
#endif

#endif /* OMNIQ_EXPORT_H */
