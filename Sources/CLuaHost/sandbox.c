// The plugin environment: which libraries exist, and the replacements for the functions that
// would reach outside the state (load, require, print, collectgarbage).

// realpath and PATH_MAX are POSIX, not C11.
#define _DEFAULT_SOURCE

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

// The value a module has in the cache while it loads, so that a module requiring itself
// (directly or not) fails instead of recursing.
static const char loading_sentinel = 0;

static int forbidden_function(lua_State *L) {
  return sg_forbid(L, lua_tostring(L, lua_upvalueindex(1)));
}

// `__index`/`__newindex` of the stand-ins for io, package and debug: any use names the function.
static int forbidden_field(lua_State *L) {
  const char *library = lua_tostring(L, lua_upvalueindex(1));
  if (lua_type(L, 2) == LUA_TSTRING && lua_rawlen(L, 2) <= 40)
    lua_pushfstring(L, "%s.%s", library, lua_tostring(L, 2));
  else
    lua_pushstring(L, library);
  return sg_forbid(L, lua_tostring(L, -1));
}

static void set_forbidden(lua_State *L, int table, const char *field, const char *what) {
  lua_pushstring(L, what);
  lua_pushcclosure(L, forbidden_function, 1);
  lua_setfield(L, table, field);
}

/// Leaves a table whose every use raises "sandbox: <library>.<name> is not available".
static void push_forbidden_library(lua_State *L, const char *library) {
  lua_newtable(L);
  lua_createtable(L, 0, 3);
  lua_pushstring(L, library);
  lua_pushcclosure(L, forbidden_field, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "__index");
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

static int sandbox_print(lua_State *L) {
  sg_host *h = sg_host_of(L);
  int n = lua_gettop(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (int i = 1; i <= n; i++) {
    if (i > 1) luaL_addchar(&buffer, '\t');
    luaL_tolstring(L, i, NULL);
    luaL_addvalue(&buffer);
  }
  luaL_pushresult(&buffer);
  size_t length;
  const char *line = lua_tolstring(L, -1, &length);
  if (h->log) h->log(h->context, line, length);
  return 0;
}

static int sandbox_collectgarbage(lua_State *L) {
  const char *option = luaL_optstring(L, 1, "collect");
  if (strcmp(option, "count") != 0) return sg_forbid(L, "collectgarbage except \"count\"");
  // > LUA_GCCOUNT: returns the current amount of memory (in Kbytes) in use by Lua.
  int kilobytes = lua_gc(L, LUA_GCCOUNT);
  int bytes = lua_gc(L, LUA_GCCOUNTB);
  lua_pushnumber(L, (lua_Number)kilobytes + (lua_Number)bytes / 1024);
  return 1;
}

// setmetatable(t, mt), refusing metatables with __gc: Lua runs finalizers with hooks turned
// off (GCTM sets allowhook = 0), so a finalizer that loops would hang the host beyond any
// instruction budget. (A __gc added to the metatable later never marks the object.)
static int sandbox_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) return sg_forbid(L, "a __gc metamethod (finalizers run without limits)");
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

// load(chunk [, chunkname [, mode [, env]]]) with mode forced to "t", the sandbox as the
// default environment, and a chunk name that never echoes the chunk's text.
static int sandbox_load(lua_State *L) {
  int has_env = !lua_isnone(L, 4);
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t length;
    const char *chunk = lua_tolstring(L, 1, &length);
    if (length > 0 && chunk[0] == LUA_SIGNATURE[0]) return sg_forbid(L, "loading a binary chunk");
    sg_charge(L, (double)length / 4);  // compiling runs in C, about a byte per instruction
  }
  lua_settop(L, 4);
  if (lua_isnil(L, 2)) {
    lua_pushliteral(L, "=(load)");
    lua_replace(L, 2);
  }
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  if (!has_env) {
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_replace(L, 4);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 4, LUA_MULTRET);
  return lua_gettop(L);
}

/// Module names are dotted identifiers: no "..", no "/", so no way out of the folder by name.
static int valid_module_name(const char *name, size_t length) {
  if (length == 0 || length > 128 || name[0] == '.' || name[length - 1] == '.') return 0;
  for (size_t i = 0; i < length; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || (c == '.' && name[i + 1] != '.');
    if (!ok) return 0;
  }
  return 1;
}

// require(name): upvalues are the folder as given, its real path, the environment and the cache.
static int sandbox_require(lua_State *L) {
  size_t length;
  const char *name = luaL_checklstring(L, 1, &length);
  if (!valid_module_name(name, length))
    return sg_forbid(L, "require of anything but a module name (letters, digits, '_', '.')");
  lua_settop(L, 1);
  lua_pushvalue(L, 1);
  lua_rawget(L, lua_upvalueindex(4));
  if (lua_touserdata(L, -1) == &loading_sentinel)
    return luaL_error(L, "module '%s' requires itself while loading", name);
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);

  const char *folder = lua_tostring(L, lua_upvalueindex(1));
  const char *real_folder = lua_tostring(L, lua_upvalueindex(2));
  char relative[160], path[PATH_MAX], real[PATH_MAX];
  size_t i = 0;
  for (; i < length; i++) relative[i] = name[i] == '.' ? '/' : name[i];
  memcpy(relative + i, ".lua", 5);
  if (snprintf(path, sizeof path, "%s/%s", folder, relative) >= (int)sizeof path ||
      realpath(path, real) == NULL)
    return luaL_error(L, "module '%s' not found in the plugin's folder", name);
  size_t folder_length = strlen(real_folder);
  if (folder_length == 1) folder_length = 0;  // the root folder: every real path starts "/"
  if (strncmp(real, real_folder, folder_length) != 0 || real[folder_length] != '/')
    return sg_forbid(L, "a module outside the plugin's folder");

  lua_pushvalue(L, 1);
  lua_pushlightuserdata(L, (void *)&loading_sentinel);
  lua_rawset(L, lua_upvalueindex(4));
  const char *chunkname = lua_pushfstring(L, "@%s", path);
  if (sg_load_file_chunk(L, real, chunkname) != LUA_OK) {
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    lua_rawset(L, lua_upvalueindex(4));
    return lua_error(L);
  }
  lua_pushvalue(L, lua_upvalueindex(3));
  lua_setupvalue(L, -2, 1);  // the module's _ENV is the plugin's environment
  lua_pushvalue(L, 1);
  lua_pushstring(L, chunkname + 1);
  // A module that fails must not stay marked as loading; its error goes on unchanged.
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    lua_rawset(L, lua_upvalueindex(4));
    return lua_error(L);
  }
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, -2);
  lua_rawset(L, lua_upvalueindex(4));
  return 1;
}

static void open_library(lua_State *L, const char *name, lua_CFunction open, int global) {
  luaL_requiref(L, name, open, global);
}

int sg_sandbox_body(lua_State *L, void *ud) {
  const char *folder = ud;
  lua_pushglobaltable(L);
  int env = lua_gettop(L);

  open_library(L, LUA_GNAME, luaopen_base, 1);
  lua_pop(L, 1);
  open_library(L, LUA_STRLIBNAME, luaopen_string, 1);
  sg_wrap_string_library(L);
  sg_wrap_string_costs(L);
  set_forbidden(L, lua_gettop(L), "dump", "string.dump");
  lua_pop(L, 1);
  open_library(L, LUA_TABLIBNAME, luaopen_table, 1);
  sg_wrap_table_library(L);
  sg_wrap_table_costs(L);
  open_library(L, LUA_MATHLIBNAME, luaopen_math, 1);
  open_library(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  sg_wrap_utf8_costs(L);
  open_library(L, LUA_COLIBNAME, luaopen_coroutine, 1);
  lua_pop(L, 4);

  // os: only the clock and calendar functions.
  open_library(L, LUA_OSLIBNAME, luaopen_os, 0);
  sg_wrap_os_costs(L);
  int full_os = lua_gettop(L);
  push_forbidden_library(L, "os");
  const char *kept[] = {"time", "date", "clock", "difftime"};
  for (int i = 0; i < 4; i++) {
    lua_pushstring(L, kept[i]);
    lua_getfield(L, full_os, kept[i]);
    lua_rawset(L, -3);  // raw: the stand-in's __newindex raises
  }
  lua_setglobal(L, "os");
  lua_pop(L, 1);

  push_forbidden_library(L, "debug");
  lua_setglobal(L, "debug");
  push_forbidden_library(L, "io");
  lua_setglobal(L, "io");
  push_forbidden_library(L, "package");
  lua_setglobal(L, "package");

  set_forbidden(L, env, "dofile", "dofile");
  set_forbidden(L, env, "loadfile", "loadfile");
  lua_pushnil(L);
  lua_setfield(L, env, "warn");
  lua_pushcfunction(L, sandbox_print);
  lua_setfield(L, env, "print");
  lua_pushcfunction(L, sandbox_collectgarbage);
  lua_setfield(L, env, "collectgarbage");
  lua_getfield(L, env, "setmetatable");
  lua_pushcclosure(L, sandbox_setmetatable, 1);
  lua_setfield(L, env, "setmetatable");
  lua_getfield(L, env, "load");
  lua_pushvalue(L, env);
  lua_pushcclosure(L, sandbox_load, 2);
  lua_setfield(L, env, "load");

  char real_folder[PATH_MAX];
  if (folder != NULL && realpath(folder, real_folder) != NULL) {
    lua_pushstring(L, folder);
    lua_pushstring(L, real_folder);
    lua_pushvalue(L, env);
    lua_newtable(L);
    lua_pushcclosure(L, sandbox_require, 4);
  } else {
    lua_pushliteral(L, "require (this plugin has no folder)");
    lua_pushcclosure(L, forbidden_function, 1);
  }
  lua_setfield(L, env, "require");

  // Lock the string metatable: getmetatable("") answers false, so plugins cannot reach
  // __index and change every string's methods.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 3);
  return 0;
}
