#ifndef SAFEGUARD_CFILEEXCHANGE_H
#define SAFEGUARD_CFILEEXCHANGE_H

/// Swaps two paths in one step, both of which must exist: after it, each name refers to what
/// the other did. Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system or
/// kernel cannot exchange; the caller then falls back to two renames).
int safeguard_exchange_paths(const char *first, const char *second);

#endif
