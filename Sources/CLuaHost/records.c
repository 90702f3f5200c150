// Records a hook returned, read back with API that never raises: one traversal of the table
// finds each field by its interned name's address and converts its value to the field's kind.

#include <math.h>
#include <string.h>

#include "internal.h"

void sg_key_pointers(lua_State *L, int keys_ref, int count, const void **out) {
  if (!lua_checkstack(L, 2)) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, keys_ref);
  for (int f = 0; f < count; f++) {
    lua_rawgeti(L, -1, f + 1);
    // > lua_topointer: Different objects will give different pointers. Short strings are
    // > interned, so a key equal to a field name is that name's object.
    out[f] = lua_topointer(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

void sg_interned_texts(lua_State *L, int ref, int first, int count, const char **out) {
  for (int i = 0; i < count; i++) out[i] = NULL;
  if (count == 0 || !lua_checkstack(L, 2)) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  for (int i = 0; i < count; i++) {
    lua_rawgeti(L, -1, first + i);
    // > lua_tolstring [-0, +0, m]: it allocates only to convert a number; these are strings.
    if (lua_type(L, -1) == LUA_TSTRING) out[i] = lua_tolstring(L, -1, NULL);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/// The field a key names: by its address through the open-addressing table, or (for a long
/// string, which Lua does not intern) by comparing it with each name. -1 if none.
static int field_of_key(lua_State *L, const sg_shape_map *map, int keys) {
  const void *key = lua_topointer(L, -2);
  for (uintptr_t slot = ((uintptr_t)key >> 4) & map->mask;; slot = (slot + 1) & map->mask) {
    int32_t field = map->table[slot];
    if (field == 0) break;
    if (map->pointers[field - 1] == key) return field - 1;
  }
  if (lua_type(L, -2) != LUA_TSTRING || lua_rawlen(L, -2) <= 40) return -1;
  for (int f = 0; f < map->count; f++) {
    lua_rawgeti(L, keys, f + 1);
    int same = lua_rawequal(L, -1, -3);
    lua_pop(L, 1);
    if (same) return f;
  }
  return -1;
}

// Howard Hinnant's days_from_civil, as CivilDate.days in Swift; -1 when the date does not exist.
static int days_from_civil(int year, int month, int day, int64_t *days) {
  static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return -1;
  int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (day > lengths[month - 1] + (month == 2 && leap)) return -1;
  int y = month <= 2 ? year - 1 : year;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int mp = (month + 9) % 12;
  int doy = (153 * mp + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = (int64_t)era * 146097 + doe - 719468;
  return 0;
}

/// Parses "yyyy-MM-dd" (exactly: four, two and two ASCII digits) into a day number.
static int iso_days(const char *text, size_t length, int64_t *days) {
  const unsigned char *bytes = (const unsigned char *)text;
  if (length != 10 || bytes[4] != '-' || bytes[7] != '-') return -1;
  int parts[3] = {0, 0, 0};
  static const int starts[3] = {0, 5, 8}, widths[3] = {4, 2, 2};
  for (int p = 0; p < 3; p++) {
    for (int i = starts[p]; i < starts[p] + widths[p]; i++) {
      if (bytes[i] < '0' || bytes[i] > '9') return -1;
      parts[p] = parts[p] * 10 + (bytes[i] - '0');
    }
  }
  return days_from_civil(parts[0], parts[1], parts[2], days);
}

/// Converts the value on top of the stack into field `field` of the pending row of `out`;
/// returns 0, why it does not fit (with the kind of value found in `misfit`), or -4 without
/// memory.
static int convert(lua_State *L, const sg_shape_map *map, int field, sg_output *out,
                   sg_misfit *misfit) {
  int kind = map->kinds[field];
  int type = lua_type(L, -1);
  size_t cell = out->rows * (size_t)out->fields + (size_t)field;
  int64_t *word = &out->words[cell];
  out->present[cell] = true;
  switch (type) {
    case LUA_TBOOLEAN:
      if (kind != SG_BOOLEAN) break;
      *word = lua_toboolean(L, -1);
      return 0;
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) {
        lua_Integer integer = lua_tointegerx(L, -1, NULL);
        if (kind == SG_INTEGER) *word = integer;
        else if (kind == SG_FLOAT) {
          double number = (double)integer;
          memcpy(word, &number, sizeof number);
        } else {
          misfit->found = SG_INTEGER;
          return SG_MISFIT_TYPE;
        }
        return 0;
      } else {
        double number = lua_tonumberx(L, -1, NULL);
        if (kind == SG_FLOAT) memcpy(word, &number, sizeof number);
        else if (kind == SG_INTEGER) {
          if (!isfinite(number)) return SG_MISFIT_NOT_FINITE;
          // As Swift's Int64(exactly:): whole, and in range.
          if (number != floor(number) || number < -0x1p63 || number >= 0x1p63) {
            return SG_MISFIT_FRACTION;
          }
          *word = (int64_t)number;
        } else {
          misfit->found = SG_FLOAT;
          return SG_MISFIT_TYPE;
        }
        return 0;
      }
    case LUA_TSTRING: {
      size_t length;
      // > lua_tolstring [-0, +0, m]: it allocates only to convert a number, and this is a string.
      const char *bytes = lua_tolstring(L, -1, &length);
      if (length > SG_MAX_FIELD_BYTES && (kind == SG_STRING || kind == SG_CODE)) return SG_MISFIT_TOO_LONG;
      if (kind == SG_DATE) return iso_days(bytes, length, word) == 0 ? 0 : SG_MISFIT_DATE;
      if (kind == SG_CODE) {
        // A short string equal to a code is the interned code itself.
        for (int32_t c = 0; c < map->code_count[field]; c++) {
          if (map->codes[map->code_first[field] + c] == bytes) {
            *word = c;
            return 0;
          }
        }
      } else if (kind != SG_STRING) {
        misfit->found = SG_STRING;
        return SG_MISFIT_TYPE;
      }
      if (kind == SG_STRING && sg_valid_utf8(bytes, length)) {
        return sg_output_set_text(out, field, bytes, length) ? 0 : -4;
      }
      sg_text *text = &out->texts[field];
      text->state = SG_TEXT_UNCHECKED;
      text->bytes = bytes;
      text->length = length;
      out->unchecked++;
      return 0;
    }
    default: break;
  }
  misfit->found = type == LUA_TBOOLEAN ? SG_BOOLEAN : SG_OTHER;
  misfit->found_lua_type = type;
  return SG_MISFIT_TYPE;
}

int sg_read_row(lua_State *L, int index, const sg_shape_map *map, sg_output *out,
                sg_misfit *misfit) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE) return -1;
  if (!lua_checkstack(L, 4)) return -2;
  if (!sg_output_begin(out)) return -4;
  lua_rawgeti(L, LUA_REGISTRYINDEX, map->keys_ref);
  int keys = lua_gettop(L);
  int extra = 0;
  misfit->field = -1;
  lua_pushnil(L);
  // One traversal reads every field and finds keys that are not fields. Fields convert
  // independently, so the misfit kept is the first in schema order, whatever the table's.
  // > lua_next [-1, +(2|0), v]: raises only for a key that is not in the table.
  while (lua_next(L, index)) {
    int field = field_of_key(L, map, keys);
    if (field < 0) extra++;
    else if (misfit->field < 0 || field < misfit->field) {
      sg_misfit found = {field, 0, 0, 0};
      found.reason = convert(L, map, field, out, &found);
      if (found.reason == -4) {
        lua_settop(L, keys - 1);
        return -4;
      }
      if (found.reason != 0) *misfit = found;
    }
    // A string stays valid after the pop: the record table still holds it.
    lua_pop(L, 1);
  }
  lua_settop(L, keys - 1);
  if (extra > 0) return extra;
  return misfit->field >= 0 ? -3 : 0;
}

void sg_extra_key(lua_State *L, int index, int keys_ref, int count, const char **bytes,
                  size_t *length) {
  *bytes = NULL;
  *length = 0;
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE || !lua_checkstack(L, 4)) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, keys_ref);
  int keys = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, index)) {
    lua_pop(L, 1);
    int known = 0;
    for (int f = 0; f < count && !known && lua_type(L, -1) == LUA_TSTRING; f++) {
      lua_rawgeti(L, keys, f + 1);
      known = lua_rawequal(L, -1, -2);
      lua_pop(L, 1);
    }
    if (!known) {
      // > avoid calling lua_tolstring directly on a key, unless you know that the key is
      // > actually a string.
      if (lua_type(L, -1) == LUA_TSTRING) *bytes = lua_tolstring(L, -1, length);
      break;
    }
  }
  lua_settop(L, keys - 1);
}

