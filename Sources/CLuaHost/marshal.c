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

int sg_caller_line(lua_State *L, char *source, size_t capacity) {
  lua_Debug ar;
  if (capacity == 0) return 0;
  source[0] = '\0';
  // > lua_getstack: Level 0 is the current running function, whereas level n+1 is the function
  // > that has called level n.
  // Level 0 is the host trampoline; level 1 the plugin's code. "Sl" reads the prototype and
  // allocates nothing.
  if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) return 0;
  size_t length = strlen(ar.short_src);
  if (length >= capacity) length = capacity - 1;
  memcpy(source, ar.short_src, length);
  source[length] = '\0';
  return ar.currentline;
}

bool sg_valid_utf8(const char *text, size_t length) {
  const unsigned char *bytes = (const unsigned char *)text;
  size_t i = 0;
  while (i < length) {
    // Runs of ASCII, eight bytes at a time.
    while (i + 8 <= length) {
      uint64_t word;
      memcpy(&word, bytes + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= length) break;
    unsigned char lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    // > Table 3-7 of the Unicode Standard: well-formed UTF-8 byte sequences (no overlong forms,
    // > no surrogates, nothing above U+10FFFF).
    size_t extra;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) extra = 1;
    else if (lead == 0xE0) extra = 2, low = 0xA0;
    else if (lead == 0xED) extra = 2, high = 0x9F;
    else if (lead >= 0xE1 && lead <= 0xEF) extra = 2;
    else if (lead == 0xF0) extra = 3, low = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) extra = 3;
    else if (lead == 0xF4) extra = 3, high = 0x8F;
    else return false;
    if (extra >= length - i) return false;  // cut short
    if (bytes[i + 1] < low || bytes[i + 1] > high) return false;
    for (size_t k = 2; k <= extra; k++) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) return false;
    }
    i += extra + 1;
  }
  return true;
}
