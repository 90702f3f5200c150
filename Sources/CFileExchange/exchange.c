// renameat2(2) is declared only under _GNU_SOURCE, which Swift's Glibc module does not set:
// this file is the one place that calls it.
#define _GNU_SOURCE
#include "CFileExchange.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#if defined(__APPLE__)
#include <sys/stdio.h>
#endif

int safeguard_exchange_paths(const char *first, const char *second) {
#if defined(__linux__)
  // > RENAME_EXCHANGE: Atomically exchange oldpath and newpath. Both pathnames must exist but
  // > may be of different types (e.g., one could be a non-empty directory and the other a
  // > symbolic link).  (renameat2(2), Linux 3.15, glibc 2.28)
  return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#elif defined(__APPLE__)
  return renamex_np(first, second, RENAME_SWAP);
#else
  errno = ENOSYS;
  return -1;
#endif
}
