#ifndef SAFEGUARD_CLUA_SHIM_H
#define SAFEGUARD_CLUA_SHIM_H

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

// Lua's API exposes several entry points as macros, which Swift cannot import.
// These wrappers give them a callable form without changing their behaviour.

static inline void sg_lua_pop(lua_State *L, int n) { lua_settop(L, -(n)-1); }
static inline const char *sg_lua_tostring(lua_State *L, int i) { return lua_tolstring(L, i, NULL); }
static inline int sg_lua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
  return lua_pcallk(L, nargs, nresults, msgh, 0, NULL);
}
static inline void sg_lua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline int sg_lua_isnil(lua_State *L, int i) { return lua_type(L, i) == LUA_TNIL; }
static inline double sg_lua_tonumber(lua_State *L, int i) { return lua_tonumberx(L, i, NULL); }
static inline long long sg_lua_tointeger(lua_State *L, int i) { return lua_tointegerx(L, i, NULL); }
static inline int sg_lua_upvalueindex(int i) { return LUA_REGISTRYINDEX - i; }
static inline int sg_lua_registryindex(void) { return LUA_REGISTRYINDEX; }

#endif
