// Values between the flat `sg_value` buffers Swift fills and Lua's stack. Pushing allocates and
// so runs only in protected calls; reading uses only API marked as never raising.

#include <string.h>

#include "internal.h"

void sg_push_value(lua_State *L, const sg_value *values, int i, const char *arena) {
  const sg_value *value = &values[i];
  switch (value->type) {
    case SG_BOOLEAN: lua_pushboolean(L, value->integer != 0); break;
    case SG_INTEGER: lua_pushinteger(L, value->integer); break;
    // > lua_pushnumber: Pushes a float with value n onto the stack. (1.0 stays a float.)
    case SG_FLOAT: lua_pushnumber(L, value->number); break;
    case SG_STRING: lua_pushlstring(L, arena + value->integer, value->length); break;
    case SG_REF: lua_rawgeti(L, LUA_REGISTRYINDEX, value->integer); break;
    case SG_RECORD: {
      luaL_checkstack(L, 4, "record too deep");
      lua_createtable(L, 0, value->count);
      // Field names come from one interned array: no string is made per record.
      lua_rawgeti(L, LUA_REGISTRYINDEX, value->keys);
      for (int f = 0; f < value->count; f++) {
        int child = (int)value->integer + f;
        if (values[child].type == SG_NIL) continue;  // a missing value is an absent field
        lua_rawgeti(L, -1, f + 1);
        sg_push_value(L, values, child, arena);
        // > lua_rawset [-2, +0, m]: t[k] = v, where t is at the index, v at the top and k below.
        lua_rawset(L, -4);
      }
      lua_pop(L, 1);
      break;
    }
    case SG_ARRAY: {
      luaL_checkstack(L, 2, "array too deep");
      lua_createtable(L, value->count, 0);
      for (int e = 0; e < value->count; e++) {
        sg_push_value(L, values, (int)value->integer + e, arena);
        lua_rawseti(L, -2, e + 1);
      }
      break;
    }
    case SG_TABLE: {
      luaL_checkstack(L, 3, "table too deep");
      lua_createtable(L, 0, value->count);
      for (int e = 0; e < value->count; e++) {
        sg_push_value(L, values, (int)value->integer + 2 * e, arena);
        sg_push_value(L, values, (int)value->integer + 2 * e + 1, arena);
        lua_rawset(L, -3);
      }
      break;
    }
    default: lua_pushnil(L); break;
  }
}

void sg_read(lua_State *L, int index, sg_value *out) {
  memset(out, 0, sizeof *out);
  int type = lua_type(L, index);
  switch (type) {
    case LUA_TNONE:
    case LUA_TNIL: out->type = SG_NIL; break;
    case LUA_TBOOLEAN:
      out->type = SG_BOOLEAN;
      out->integer = lua_toboolean(L, index);
      break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) {
        out->type = SG_INTEGER;
        out->integer = lua_tointegerx(L, index, NULL);
      } else {
        out->type = SG_FLOAT;
        out->number = lua_tonumberx(L, index, NULL);
      }
      break;
    case LUA_TSTRING:
      // > lua_tolstring [-0, +0, m]: it allocates only to convert a number, and this is a string.
      out->type = SG_STRING;
      out->bytes = lua_tolstring(L, index, &out->length);
      break;
    default:
      out->type = SG_OTHER;
      out->luaType = type;
      break;
  }
}

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

/// The field a key names: by its address through the open-addressing table, or (for a long
/// string, which Lua does not intern) by comparing it with each name. -1 if none.
static int field_of_key(lua_State *L, const sg_key_map *map, int keys) {
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

int sg_read_record(lua_State *L, int index, const sg_key_map *map, sg_value *out) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE) return -1;
  if (!lua_checkstack(L, 4)) return -2;
  for (int f = 0; f < map->count; f++) out[f].type = SG_NIL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, map->keys_ref);
  int keys = lua_gettop(L);
  int extra = 0;
  lua_pushnil(L);
  // One traversal reads every field and finds keys that are not fields.
  // > lua_next [-1, +(2|0), v]: raises only for a key that is not in the table.
  while (lua_next(L, index)) {
    int field = field_of_key(L, map, keys);
    // The string stays valid after the pop: the record table still holds it.
    if (field >= 0) sg_read(L, -1, &out[field]);
    else extra++;
    lua_pop(L, 1);
  }
  lua_settop(L, keys - 1);
  return extra;
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

int sg_function_line(lua_State *L, int ref) {
  if (!lua_checkstack(L, 1)) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  if (lua_type(L, -1) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return 0;
  }
  lua_Debug ar;
  // > '>': the function is popped from the stack. "S" reads the prototype, allocating nothing.
  return lua_getinfo(L, ">S", &ar) ? ar.linedefined : 0;
}
