// Bounds for the table functions that loop in C, where the count hook never fires.
//
// table.insert and table.remove shift elements up to the length `#t`, which a `__len`
// metamethod can make 10^15 while the table holds nothing (setting an absent key to nil
// allocates nothing, so the memory cap never trips either); table.move loops over any range it
// is given. Each shifted or moved element is charged to the instruction budget before the
// loop starts. insert and remove are written here, reading the length once, rather than
// wrapped: a `__len` that answers differently the second time would defeat a check made
// before calling the original.

#include "internal.h"

// > table.insert (list, [pos,] value): Inserts element value at position pos in list,
// > shifting up the elements list[pos], list[pos+1], ···, list[#list].
static int table_insert(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer first_empty = luaL_len(L, 1) + 1;
  lua_Integer position = first_empty;
  switch (lua_gettop(L)) {
    case 2: break;
    case 3:
      position = luaL_checkinteger(L, 2);
      luaL_argcheck(L, position >= 1 && position <= first_empty, 2, "position out of bounds");
      sg_charge(L, (double)(first_empty - position));
      for (lua_Integer i = first_empty; i > position; i--) {
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
      }
      break;
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, position);  // the value is on top
  return 0;
}

// > table.remove (list [, pos]): Removes from list the element at position pos, returning
// > the value of the removed element. ... The index pos can also be 0 when #list is 0, or
// > #list + 1. The default value for pos is #list.
static int table_remove(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer size = luaL_len(L, 1);
  lua_Integer position = luaL_optinteger(L, 2, size);
  if (position != size)
    luaL_argcheck(L, position >= 1 && position <= size + 1, 2, "position out of bounds");
  lua_geti(L, 1, position);
  if (position < size) sg_charge(L, (double)(size - position));
  for (; position < size; position++) {
    lua_geti(L, 1, position + 1);
    lua_seti(L, 1, position);
  }
  lua_pushnil(L);
  lua_seti(L, 1, position);
  return 1;
}

// table.move(a1, f, e, t [, a2]): upvalue 1 is the original; the range comes as numbers, so
// charging for it first is enough.
static int table_move(lua_State *L) {
  lua_Integer from = luaL_checkinteger(L, 2);
  lua_Integer to = luaL_checkinteger(L, 3);
  if (to >= from) sg_charge(L, (double)to - (double)from + 1);
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, 1);
  return 1;
}

void sg_wrap_table_library(lua_State *L) {
  int library = lua_gettop(L);
  lua_pushcfunction(L, table_insert);
  lua_setfield(L, library, "insert");
  lua_pushcfunction(L, table_remove);
  lua_setfield(L, library, "remove");
  lua_getfield(L, library, "move");
  lua_pushcclosure(L, table_move, 1);
  lua_setfield(L, library, "move");
}
