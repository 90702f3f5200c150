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

/// Pushes row `row` as a table holding only the cells the shared table does not supply (text,
/// dates, integers other than 0, true flags), with the shared metatable at stack index `meta`;
/// or, for a row with a null integer or boolean (which must read as nil, not as a shared 0),
/// as a plain record table. One look at each cell finds the row's own cells.
static void push_sparse_row(lua_State *L, const sg_rows *rows, int row, int keys, int meta,
                            int *own) {
  int count = 0;
  for (int f = 0; f < rows->column_count; f++) {
    const sg_column *column = &rows->columns[f];
    bool present = column->present[row];
    switch (column->kind) {
      case SG_INTEGER:
        if (!present) goto plain;
        if (((const int64_t *)column->values)[row] != 0) own[count++] = f;
        break;
      case SG_BOOLEAN:
        if (!present) goto plain;
        if (((const bool *)column->values)[row]) own[count++] = f;
        break;
      default:
        if (present) own[count++] = f;
        break;
    }
  }
  lua_createtable(L, 0, count);
  for (int i = 0; i < count; i++) {
    lua_rawgeti(L, keys, own[i] + 1);
    sg_push_cell(L, &rows->columns[own[i]], row, keys);
    lua_rawset(L, -3);
  }
  lua_pushvalue(L, meta);
  lua_setmetatable(L, -2);
  return;
plain:
  sg_push_row(L, rows, row, keys);
}

// MARK: Calling

typedef struct each_spec {
  int function_ref;
  /// Room for one index per column: the row's own cells.
  int *own;
  const sg_each *each;
  int row;
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
  if (meta) push_sparse_row(L, rows, spec->row, keys, meta, spec->own);
  else sg_push_row(L, rows, spec->row, keys);
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
  // Outside Lua's allocator: the host's scratch space, never a reason for a plugin to fail.
  int *own = malloc(sizeof(int) * (size_t)(rows->column_count > 0 ? rows->column_count : 1));
  if (own == NULL) return LUA_ERRMEM;
  for (int r = 0; r < rows->count; r++) {
    *done = r;
    each_spec spec = {function_ref, own, each, rows->first + r, values, argc, arena};
    int status = sg_protect(L, each_body, &spec, 1);
    if (status != LUA_OK) {
      free(own);
      return status;
    }
    // The result sits at index 2, above the message handler, until it is read.
    int read = sg_read_slots(L, 2, each->results, each->out + (size_t)r * (size_t)width);
    if (read != 0) {
      free(own);
      return read == -2 ? SG_STATUS_NOSTACK : SG_STATUS_BAD_RESULT;
    }
    lua_settop(L, 1);
  }
  free(own);
  *done = rows->count;
  return LUA_OK;
}
