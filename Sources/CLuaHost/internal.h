#ifndef SAFEGUARD_CLUAHOST_INTERNAL_H
#define SAFEGUARD_CLUAHOST_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "CLuaHost.h"

/// Host functions may nest only through finalizers that run while a reply is pushed; each
/// level gets its own reply buffer so that a nested call cannot overwrite an outer one.
#define SG_MAX_NESTING 8
/// The count hook fires every this many instructions.
#define SG_HOOK_INTERVAL 1000

typedef struct sg_reply_buffer {
  sg_value *values;
  size_t values_capacity;
  int argc;
  char *bytes;
  size_t bytes_capacity;
  size_t bytes_length;
} sg_reply_buffer;

/// Everything the C side keeps per state. It is the allocator's `ud`, so any code holding a
/// `lua_State` finds it with `lua_getallocf`, without touching the registry.
typedef struct sg_host {
  size_t used, peak, limit;
  int relaxed;
  /// Set when an allocation was refused; a second refusal in a row (Lua retries once after an
  /// emergency collection) means the state is really out of memory.
  int refused;
  int64_t budget, remaining;
  /// CLOCK_MONOTONIC nanoseconds by which the current call must end (0: no deadline), and the
  /// time each call is given.
  int64_t deadline, call_time;
  int trip, reason;
  char trip_source[LUA_IDSIZE];
  int trip_line;
  void *context;
  sg_log_fn log;
  sg_dispatch_fn dispatch;
  int depth;
  sg_reply_buffer replies[SG_MAX_NESTING];
} sg_host;

/// Starts the current call's clock (see `sg_set_call_time`).
void sg_start_call_clock(sg_host *h);

static inline sg_host *sg_host_of(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return (sg_host *)ud;
}

/// A body run by `sg_protect`: returns its number of results; may raise.
typedef int (*sg_body)(lua_State *L, void *ud);
/// Runs `body` in protected mode with the message handler at index 1 and a fresh instruction
/// budget, leaving `nresults` results (all, if negative); returns a Lua status (calls.c).
int sg_protect(lua_State *L, sg_body body, void *ud, int nresults);

/// Marks the state as stopped by a limit and raises the matching message; never returns.
/// `level` is the stack level whose position is recorded (0: the running function).
int sg_trip_raise(lua_State *L, int trip, int reason, int level);
/// Raises "sandbox: <what> is not available to plugins" at the caller's position.
int sg_forbid(lua_State *L, const char *what);
/// Pushes values[i] (and its children) and returns nothing; may raise (protected callers only).
void sg_push_value(lua_State *L, const sg_value *values, int i, const char *arena);
/// Pushes row `row` of `rows` as a record table; `keys` is the stack index of the shape's
/// interned array. May raise (protected callers only).
void sg_push_row(lua_State *L, const sg_rows *rows, int row, int keys);
/// Pushes the value of `column` at `row`, which is present: text from the column's bytes, a
/// date as ISO text, a code as its interned text from the array at stack index `keys`.
void sg_push_cell(lua_State *L, const sg_column *column, int row, int keys);
/// Pushes the compiled text chunk of a file (status as `lua_load`); raises if it cannot open it.
int sg_load_file_chunk(lua_State *L, const char *path, const char *chunkname);
/// Builds the sandbox in the globals table; `ud` is the module folder or NULL.
int sg_sandbox_body(lua_State *L, void *ud);
/// Spends `instructions` of the call's budget for work done in C; trips the state if the
/// budget cannot cover it.
void sg_charge(lua_State *L, double instructions);
/// Installs the bounded table.insert, table.remove and table.move into the table at the top.
void sg_wrap_table_library(lua_State *L);
/// Installs the pattern-function and string.rep wrappers into the string table at the top.
void sg_wrap_string_library(lua_State *L);
/// Charges the work of library functions that loop in C over their arguments (costs.c); each
/// wraps the library at the top of the stack.
void sg_wrap_string_costs(lua_State *L);
void sg_wrap_table_costs(lua_State *L);
void sg_wrap_utf8_costs(lua_State *L);
void sg_wrap_os_costs(lua_State *L);

#endif
