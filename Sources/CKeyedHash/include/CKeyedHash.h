// HMAC-SHA-256 with the key schedule done once, over OpenSSL's SHA-256 (libcrypto), which uses
// the CPU's SHA extensions where present. Only SafeguardStages' HMACSHA256 calls this.
#ifndef SAFEGUARD_CKEYEDHASH_H
#define SAFEGUARD_CKEYEDHASH_H

#include <stddef.h>
#include <stdint.h>

/// The two SHA-256 midstates after the key blocks (key ^ ipad, key ^ opad): as secret as the
/// key. Opaque, sized to hold two OpenSSL SHA256_CTX (checked when compiled).
typedef struct sg_hmac_key {
  uint64_t words[32];
} sg_hmac_key;

/// Prepares `key` (any length; longer than a block is hashed first, per RFC 2104).
void sg_hmac_init(sg_hmac_key *state, const uint8_t *key, size_t length);

/// HMAC(key, prefix || message) into `out` (32 bytes). `prefix` may be empty (NULL, 0).
void sg_hmac_code(const sg_hmac_key *state, const uint8_t *prefix, size_t prefix_length,
                  const uint8_t *message, size_t message_length, uint8_t *out);

/// Overwrites the midstates.
void sg_hmac_clear(sg_hmac_key *state);

#endif
