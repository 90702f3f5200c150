// Charges for the library functions whose work in C grows with their arguments, where the
// count hook never fires: `utf8.len` on a 20 MiB string costs one instruction to the hook, but
// 20 million bytes of work, and a plugin calling it in a loop ran for hours inside its budget.
// Each wrapper charges the work before calling the original: one instruction per
// SG_BYTES_PER_INSTRUCTION bytes it reads or writes, or per element it visits.
//
// The pattern functions and string.rep (its memory and its repetitions) are bounded in
// patterns.c; table.insert, remove and
// move in tables.c. Comparing two long strings with `==` or `<` is an operator, which no
// wrapper reaches: the per-call deadline (host.c) is the bound there.

#include <math.h>
#include <string.h>

#include "internal.h"

/// Bytes of simple C work (scanning, copying, case-mapping) that cost one VM instruction: a VM
/// instruction is some tens of cycles, a byte of such work one or two.
#define SG_BYTES_PER_INSTRUCTION 16.0

enum {
  COST_FIRST_STRING,  // the first argument's length (utf8.len, string.upper, ...)
  COST_FORMAT,        // os.date: the format's length times the longest expansion
  COST_CONCAT,        // table.concat (list, sep, i, j): the elements i..j
  COST_UNPACK,        // table.unpack (list, i, j): the elements i..j
  COST_SORT,          // table.sort: n log n comparisons
};

/// How many elements i..j a table function visits (j defaults to #t, read once here; the
/// original reads it again, but a `__len` that changes its answer only changes the charge).
static double range_of(lua_State *L, int first_index, int last_index) {
  lua_Integer first = luaL_optinteger(L, first_index, 1);
  lua_Integer last =
      lua_isnoneornil(L, last_index) ? (lua_Integer)luaL_len(L, 1) : luaL_checkinteger(L, last_index);
  return last >= first ? (double)last - (double)first + 1 : 0;
}

// upvalue 1: the original function; upvalue 2: how its work is charged.
static int cost_wrapper(lua_State *L) {
  int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
  double instructions = 0;
  size_t length = 0;
  switch (kind) {
    case COST_FIRST_STRING:
      if (lua_type(L, 1) == LUA_TSTRING) lua_tolstring(L, 1, &length);
      instructions = (double)length / SG_BYTES_PER_INSTRUCTION;
      break;
    case COST_FORMAT:
      if (lua_type(L, 1) == LUA_TSTRING) lua_tolstring(L, 1, &length);
      // strftime expands a conversion to at most a few dozen bytes.
      instructions = (double)length * 64 / SG_BYTES_PER_INSTRUCTION;
      break;
    case COST_CONCAT:
      luaL_checktype(L, 1, LUA_TTABLE);
      instructions = range_of(L, 3, 4);
      break;
    case COST_UNPACK:
      instructions = range_of(L, 2, 3);
      break;
    case COST_SORT: {
      luaL_checktype(L, 1, LUA_TTABLE);
      double n = (double)luaL_len(L, 1);
      instructions = n > 1 ? n * log2(n) : 0;
      break;
    }
    default: break;
  }
  if (instructions >= 1) sg_charge(L, instructions);
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L);
}

static void wrap(lua_State *L, int library, const char *name, int kind) {
  lua_getfield(L, library, name);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushinteger(L, kind);
  lua_pushcclosure(L, cost_wrapper, 2);
  lua_setfield(L, library, name);
}

void sg_wrap_string_costs(lua_State *L) {
  int library = lua_gettop(L);
  const char *linear[] = {"upper", "lower", "reverse"};
  for (size_t i = 0; i < sizeof linear / sizeof *linear; i++) wrap(L, library, linear[i], COST_FIRST_STRING);
}

void sg_wrap_table_costs(lua_State *L) {
  int library = lua_gettop(L);
  wrap(L, library, "concat", COST_CONCAT);
  wrap(L, library, "unpack", COST_UNPACK);
  wrap(L, library, "sort", COST_SORT);
}

void sg_wrap_utf8_costs(lua_State *L) {
  int library = lua_gettop(L);
  const char *linear[] = {"len", "codepoint", "offset"};
  for (size_t i = 0; i < sizeof linear / sizeof *linear; i++) wrap(L, library, linear[i], COST_FIRST_STRING);
}

void sg_wrap_os_costs(lua_State *L) {
  int library = lua_gettop(L);
  wrap(L, library, "date", COST_FORMAT);
}
