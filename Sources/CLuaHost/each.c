// Aggregate hooks called once per row (the overlay's `indicators(child, ctx)`): each row goes
// from the batch's typed columns into its table in C, each call runs protected with its own
// instruction budget, and each result is read, without raising, into a fixed array of numbers
// by the position of its declared names. Nothing crosses into Swift per call.

#include <stdlib.h>

#include "internal.h"

// MARK: Rows whose zeros live in a shared table

/// Iterates a row table for `pairs`: its own fields first, then the shared fields it does not
/// hold. Upvalue 1 is the shared table; upvalue 2 is false while the row's own fields last.
static int row_next(lua_State *L) {
  // A plugin can call the iterator itself, with anything: lua_next needs a table.
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (!lua_toboolean(L, lua_upvalueindex(2))) {
    if (lua_next(L, 1)) return 2;
    lua_pushboolean(L, 1);
    lua_replace(L, lua_upvalueindex(2));
    lua_pushnil(L);
  }
  // > lua_next [-1, +(2|0), v]: the key must be one the shared table holds, which it is: the
  // > loop only ever hands back keys this function returned from it.
  while (lua_next(L, lua_upvalueindex(1))) {
    lua_pushvalue(L, -2);
    if (lua_rawget(L, 1) == LUA_TNIL) {
      lua_pop(L, 1);
      return 2;
    }
    lua_pop(L, 2);  // the row holds this field itself: already seen
  }
  lua_pushnil(L);
  return 1;
}

/// `__pairs(row)`: a fresh iterator, so that two loops over one row do not share a phase.
static int row_pairs(lua_State *L) {
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, row_next, 2);
  lua_insert(L, 1);
  lua_pushnil(L);
  return 3;
}

typedef struct defaults_spec {
  int keys_ref;
  const int32_t *kinds;
  int count;
  int *ref;
} defaults_spec;

static int defaults_body(lua_State *L, void *ud) {
  defaults_spec *spec = ud;
  sg_host_of(L)->relaxed = 1;
  lua_rawgeti(L, LUA_REGISTRYINDEX, spec->keys_ref);
  int keys = lua_gettop(L);
  lua_createtable(L, 0, spec->count);
  int shared = lua_gettop(L);
  for (int f = 0; f < spec->count; f++) {
    if (spec->kinds[f] != SG_INTEGER && spec->kinds[f] != SG_BOOLEAN) continue;
    lua_rawgeti(L, keys, f + 1);
    if (spec->kinds[f] == SG_INTEGER) lua_pushinteger(L, 0);
    else lua_pushboolean(L, 0);
    lua_rawset(L, shared);
  }
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, shared);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, shared);
  lua_pushcclosure(L, row_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  // getmetatable(row) answers false and setmetatable(row, ...) fails: the shared table stays
  // out of reach, so no plugin can change another call's zeros.
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  *spec->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int sg_row_defaults(lua_State *L, int keys_ref, const int32_t *kinds, int count, int *ref) {
  defaults_spec spec = {keys_ref, kinds, count, ref};
  // Run like any protected entry point (see calls.c): a fresh budget, errors returned.
  return sg_protect(L, defaults_body, &spec, 0);
}

/// Which cells of each row its own table holds, found column by column (each column read in
/// order, as it lies in memory, rather than one cell from every column per row): one bit per
/// column, `words` words per row. Text, dates, integers other than 0 and true flags are the
/// row's own; a null integer or boolean makes the row `plain` (it must read as nil, which a
/// shared 0 would hide).
typedef struct own_cells {
  int words;
  uint64_t *bits;
  /// How many bits each row has set.
  int *counts;
  bool *plain;
} own_cells;

static bool find_own_cells(const sg_rows *rows, own_cells *cells) {
  int count = rows->count;
  cells->words = (rows->column_count + 63) / 64;
  if (cells->words == 0) cells->words = 1;
  cells->bits = calloc((size_t)count * (size_t)cells->words + 1, sizeof(uint64_t));
  cells->counts = calloc((size_t)count + 1, sizeof(int));
  cells->plain = calloc((size_t)count + 1, sizeof(bool));
  if (cells->bits == NULL || cells->counts == NULL || cells->plain == NULL) return false;
  for (int f = 0; f < rows->column_count; f++) {
    const sg_column *column = &rows->columns[f];
    const bool *present = column->present + rows->first;
    uint64_t *bits = cells->bits + f / 64;
    uint64_t bit = (uint64_t)1 << (f % 64);
    int stride = cells->words;
    switch (column->kind) {
      case SG_INTEGER: {
        const int64_t *values = (const int64_t *)column->values + rows->first;
        for (int r = 0; r < count; r++) {
          bool own = present[r] && values[r] != 0;
          bits[(size_t)r * stride] |= own ? bit : 0;
          cells->counts[r] += own;
          cells->plain[r] |= !present[r];
        }
        break;
      }
      case SG_BOOLEAN: {
        const bool *values = (const bool *)column->values + rows->first;
        for (int r = 0; r < count; r++) {
          bool own = present[r] && values[r];
          bits[(size_t)r * stride] |= own ? bit : 0;
          cells->counts[r] += own;
          cells->plain[r] |= !present[r];
        }
        break;
      }
      default:
        for (int r = 0; r < count; r++) {
          bits[(size_t)r * stride] |= present[r] ? bit : 0;
          cells->counts[r] += present[r];
        }
        break;
    }
  }
  return true;
}

static void free_own_cells(own_cells *cells) {
  free(cells->bits);
  free(cells->counts);
  free(cells->plain);
}

/// Pushes the row `first + r` as a table holding only its own cells, with the shared
/// metatable at stack index `meta`; or, for a plain row, as a plain record table.
static void push_sparse_row(lua_State *L, const sg_rows *rows, int r, int keys, int meta,
                            const own_cells *cells) {
  int row = rows->first + r;
  if (cells->plain[r]) {
    sg_push_row(L, rows, row, keys);
    return;
  }
  const uint64_t *bits = cells->bits + (size_t)r * (size_t)cells->words;
  lua_createtable(L, 0, cells->counts[r]);
  for (int w = 0; w < cells->words; w++) {
    for (uint64_t word = bits[w]; word != 0; word &= word - 1) {
      int f = w * 64 + __builtin_ctzll(word);
      lua_rawgeti(L, keys, f + 1);
      sg_push_cell(L, &rows->columns[f], row, keys);
      lua_rawset(L, -3);
    }
  }
  lua_pushvalue(L, meta);
  lua_setmetatable(L, -2);
}

// MARK: Calling

typedef struct each_spec {
  int function_ref;
  const own_cells *cells;
  const sg_each *each;
  /// The row, counted from `each->rows->first`.
  int r;
  const sg_value *values;
  int argc;
  const char *arena;
} each_spec;

static int each_body(lua_State *L, void *ud) {
  each_spec *spec = ud;
  const sg_rows *rows = spec->each->rows;
  sg_host *h = sg_host_of(L);
  luaL_checkstack(L, spec->argc + 8, "too many arguments");
  h->relaxed = 1;  // as in call_body: the host's pushes may pass the cap
  lua_rawgeti(L, LUA_REGISTRYINDEX, rows->keys_ref);
  int keys = lua_gettop(L);
  int meta = 0;
  if (spec->each->defaults_ref != 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, spec->each->defaults_ref);
    meta = lua_gettop(L);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, spec->function_ref);
  if (meta) push_sparse_row(L, rows, spec->r, keys, meta, spec->cells);
  else sg_push_row(L, rows, rows->first + spec->r, keys);
  for (int i = 0; i < spec->argc; i++) sg_push_value(L, spec->values, i, spec->arena);
  h->relaxed = 0;
  lua_call(L, 1 + spec->argc, 1);
  return 1;
}

/// The slot a result key names, by its interned address; -1 if none (or not a short string).
static int slot_of_key(lua_State *L, const sg_shape_map *map) {
  if (lua_type(L, -2) != LUA_TSTRING) return -1;
  const void *key = lua_topointer(L, -2);
  for (uintptr_t slot = ((uintptr_t)key >> 4) & map->mask;; slot = (slot + 1) & map->mask) {
    int32_t field = map->table[slot];
    if (field == 0) return -1;
    if (map->pointers[field - 1] == key) return field - 1;
  }
}

int sg_read_slots(lua_State *L, int index, const sg_shape_map *map, double *out) {
  for (int s = 0; s < map->count; s++) out[s] = 0;
  index = lua_absindex(L, index);
  int type = lua_type(L, index);
  if (type == LUA_TNIL || type == LUA_TNONE) return 0;
  if (type != LUA_TTABLE) return -1;
  if (!lua_checkstack(L, 3)) return -2;
  lua_pushnil(L);
  // > lua_next [-1, +(2|0), v]: raises only for a key that is not in the table.
  while (lua_next(L, index)) {
    int slot = slot_of_key(L, map);
    if (slot < 0) {
      lua_pop(L, 2);
      return 1;
    }
    switch (lua_type(L, -1)) {
      case LUA_TBOOLEAN: out[slot] = lua_toboolean(L, -1) ? 1 : 0; break;
      case LUA_TNUMBER:
        out[slot] = lua_isinteger(L, -1) ? (double)lua_tointegerx(L, -1, NULL) : lua_tonumberx(L, -1, NULL);
        break;
      // Text counts as 0, as the hook's results always have: an indicator is a number or a flag.
      case LUA_TSTRING: out[slot] = 0; break;
      default: lua_pop(L, 2); return 1;
    }
    lua_pop(L, 1);
  }
  return 0;
}

int sg_call_each(lua_State *L, int function_ref, const sg_each *each, const sg_value *values, int argc,
                 const char *arena, int *done) {
  const sg_rows *rows = each->rows;
  int width = each->results->count;
  *done = 0;
  // Outside Lua's allocator: the host's scratch space, never a reason for a plugin to fail.
  own_cells cells = {0, NULL, NULL, NULL};
  if (each->defaults_ref != 0 && !find_own_cells(rows, &cells)) {
    free_own_cells(&cells);
    return LUA_ERRMEM;
  }
  int status = LUA_OK;
  for (int r = 0; r < rows->count; r++) {
    *done = r;
    each_spec spec = {function_ref, &cells, each, r, values, argc, arena};
    status = sg_protect(L, each_body, &spec, 1);
    if (status != LUA_OK) break;
    // The result sits at index 2, above the message handler, until it is read.
    int read = sg_read_slots(L, 2, each->results, each->out + (size_t)r * (size_t)width);
    if (read != 0) {
      status = read == -2 ? SG_STATUS_NOSTACK : SG_STATUS_BAD_RESULT;
      break;
    }
    lua_settop(L, 1);
    *done = r + 1;
  }
  free_own_cells(&cells);
  return status;
}
