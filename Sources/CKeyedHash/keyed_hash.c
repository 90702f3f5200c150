// The SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, whose per-call provider
// dispatch costs more than the two compressions a short identifier needs; they remain exported
// and use the same SHA-NI/AVX2 code.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "CKeyedHash.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

typedef struct {
  SHA256_CTX inner;
  SHA256_CTX outer;
} midstates;

_Static_assert(sizeof(midstates) <= sizeof(sg_hmac_key), "sg_hmac_key too small for two SHA256_CTX");

void sg_hmac_init(sg_hmac_key *state, const uint8_t *key, size_t length) {
  uint8_t block[SHA256_CBLOCK];
  memset(block, 0, sizeof block);
  if (length > SHA256_CBLOCK) {
    SHA256(key, length, block);
  } else if (length > 0) {
    memcpy(block, key, length);
  }
  midstates *m = (midstates *)state->words;
  for (size_t i = 0; i < SHA256_CBLOCK; i++) block[i] ^= 0x36;
  SHA256_Init(&m->inner);
  SHA256_Update(&m->inner, block, SHA256_CBLOCK);
  for (size_t i = 0; i < SHA256_CBLOCK; i++) block[i] ^= 0x36 ^ 0x5c;
  SHA256_Init(&m->outer);
  SHA256_Update(&m->outer, block, SHA256_CBLOCK);
  OPENSSL_cleanse(block, sizeof block);
}

void sg_hmac_code(const sg_hmac_key *state, const uint8_t *prefix, size_t prefix_length,
                  const uint8_t *message, size_t message_length, uint8_t *out) {
  const midstates *m = (const midstates *)state->words;
  SHA256_CTX context = m->inner;
  if (prefix_length > 0) SHA256_Update(&context, prefix, prefix_length);
  if (message_length > 0) SHA256_Update(&context, message, message_length);
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &context);
  context = m->outer;
  SHA256_Update(&context, digest, sizeof digest);
  SHA256_Final(out, &context);
}

void sg_hmac_clear(sg_hmac_key *state) { OPENSSL_cleanse(state, sizeof *state); }
