// The rows hooks return, held row after row until the host turns them into columns. Records are
// read straight into it (see records.c), so that no value of a field is handled twice.

#include <stdlib.h>
#include <string.h>

#include "internal.h"

sg_output *sg_output_new(int fields, size_t capacity) {
  sg_output *out = calloc(1, sizeof *out);
  if (out == NULL) return NULL;
  out->fields = fields;
  out->texts = calloc((size_t)(fields > 0 ? fields : 1), sizeof *out->texts);
  if (out->texts == NULL || !sg_output_reserve(out, capacity > 0 ? capacity : 1)) {
    sg_output_free(out);
    return NULL;
  }
  return out;
}

void sg_output_free(sg_output *out) {
  if (out == NULL) return;
  free(out->present);
  free(out->words);
  free(out->text);
  free(out->texts);
  free(out);
}

bool sg_output_reserve(sg_output *out, size_t rows) {
  if (rows <= out->capacity) return true;
  size_t capacity = out->capacity > 0 ? out->capacity : 1;
  while (capacity < rows) capacity *= 2;
  size_t cells = capacity * (size_t)out->fields;
  bool *present = realloc(out->present, cells * sizeof *present + 1);
  if (present == NULL) return false;
  out->present = present;
  int64_t *words = realloc(out->words, cells * sizeof *words + 1);
  if (words == NULL) return false;
  out->words = words;
  out->capacity = capacity;
  return true;
}

static bool reserve_text(sg_output *out, size_t length) {
  if (out->text_length + length <= out->text_capacity) return true;
  size_t capacity = out->text_capacity > 0 ? out->text_capacity : 4096;
  while (capacity < out->text_length + length) capacity *= 2;
  char *text = realloc(out->text, capacity);
  if (text == NULL) return false;
  out->text = text;
  out->text_capacity = capacity;
  return true;
}

bool sg_output_begin(sg_output *out) {
  sg_output_drop(out);
  if (!sg_output_reserve(out, out->rows + 1)) return false;
  size_t first = out->rows * (size_t)out->fields;
  // Absent fields are null: no value, word 0, no text.
  memset(out->present + first, 0, (size_t)out->fields * sizeof *out->present);
  memset(out->words + first, 0, (size_t)out->fields * sizeof *out->words);
  for (int f = 0; f < out->fields; f++) out->texts[f].state = SG_TEXT_NONE;
  out->pending = true;
  out->pending_text = out->text_length;
  out->unchecked = 0;
  return true;
}

bool sg_output_set_text(sg_output *out, int field, const char *bytes, size_t length) {
  if (out->text_length + length > SG_MAX_OUTPUT_TEXT_BYTES) return false;
  if (length > 0xFFFFFFFFu || !reserve_text(out, length)) return false;
  size_t start = out->text_length;
  if (length > 0) memcpy(out->text + start, bytes, length);
  out->text_length += length;
  sg_output_set_word(out, field, (int64_t)((uint64_t)start << 32 | (uint64_t)length));
  return true;
}

void sg_output_keep(sg_output *out) {
  if (!out->pending) return;
  out->pending = false;
  out->rows++;
}

void sg_output_drop(sg_output *out) {
  if (!out->pending) return;
  out->pending = false;
  out->text_length = out->pending_text;
}

void sg_output_clear(sg_output *out) {
  out->rows = 0;
  out->text_length = 0;
  out->pending = false;
}
