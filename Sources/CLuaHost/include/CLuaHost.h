#ifndef SAFEGUARD_CLUAHOST_H
#define SAFEGUARD_CLUAHOST_H

// The part of the Lua host that must be written in C: everything that may raise a Lua error
// (which `longjmp`s) runs in these functions, never in a Swift frame. Swift calls the
// protected entry points below, which return a Lua status, and otherwise only Lua API functions
// that never raise.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct lua_State lua_State;

// The kinds of value that cross between Swift and Lua (see `sg_value`). Macros rather than
// an enum, so that Swift sees them as Int32 like the `type` field.
#define SG_NIL 0
#define SG_BOOLEAN 1
#define SG_INTEGER 2
#define SG_FLOAT 3
#define SG_STRING 4
/// A value held in the registry (a table, function or host object made earlier).
#define SG_REF 5
/// A table of named fields: `count` children from `integer`, keys from the interned array `keys`.
#define SG_RECORD 6
/// A sequence: `count` children from `integer`.
#define SG_ARRAY 7
/// A table of `count` key/value pairs: `2 * count` children from `integer`.
#define SG_TABLE 8
/// Read only: a value that has no Swift form (a function, table, userdata or thread).
#define SG_OTHER 9

/// One value, flattened: containers refer to their children by index in the same array, and
/// strings going into Lua by offset in one byte arena, so a whole call is two buffers.
typedef struct sg_value {
  int32_t type;
  /// Children of a container.
  int32_t count;
  /// BOOLEAN (0 or 1), INTEGER, REF (registry reference), STRING going in (arena offset),
  /// RECORD/ARRAY/TABLE (index of the first child).
  int64_t integer;
  double number;
  /// STRING coming out: Lua's bytes, valid while the value stays on the stack.
  const char *bytes;
  size_t length;
  /// RECORD: registry reference of the array of interned field names.
  int32_t keys;
  /// OTHER coming out: the Lua type (LUA_TTABLE, LUA_TFUNCTION, ...).
  int32_t luaType;
} sg_value;

/// What stopped a state for good. A tripped state refuses further work and must be rebuilt.
#define SG_TRIP_NONE 0
#define SG_TRIP_INSTRUCTIONS 1
#define SG_TRIP_MEMORY 2
/// Why, in more detail than the trip kind.
#define SG_REASON_BUDGET 0
#define SG_REASON_PATTERN 1
#define SG_REASON_REP 2
#define SG_REASON_ALLOCATION 3

/// Statuses beyond Lua's own: the state was already tripped, or has no stack space left.
#define SG_STATUS_SPENT 100
#define SG_STATUS_NOSTACK 101

/// Receives a line that plugin code printed. Must not raise (it is Swift).
typedef void (*sg_log_fn)(void *context, const char *bytes, size_t length);
/// Runs the Swift host function `function_id` with the arguments on the stack of `L`. Reads
/// arguments with non-raising API only, stages results with `sg_reply`/`sg_reply_error`, and
/// returns the number of results, or -1 after `sg_reply_error`. Must not raise (it is Swift).
typedef int (*sg_dispatch_fn)(void *context, lua_State *L, int function_id);

/// Creates a state with a counting allocator capped at `memory_limit` bytes and a count hook
/// spending `instruction_budget` per call; leaves the message handler at stack index 1.
/// Returns NULL if the state cannot be made.
lua_State *sg_open(size_t memory_limit, int64_t instruction_budget, void *context, sg_log_fn log,
                   sg_dispatch_fn dispatch);
/// Closes the state, running finalizers under a fresh budget.
void sg_close(lua_State *L);

int sg_trip(lua_State *L);
int sg_trip_reason(lua_State *L);
/// Where the running Lua function was when the state tripped, if known ("" and 0 otherwise).
const char *sg_trip_source(lua_State *L);
int sg_trip_line(lua_State *L);
size_t sg_memory_used(lua_State *L);
size_t sg_memory_peak(lua_State *L);

// Protected entry points. Each refills the instruction budget, runs in `lua_pcall` with the
// message handler, and returns a Lua status; on error the message is left on top of the stack.

/// Opens the sandboxed environment; `folder` is where `require` may look (NULL: nowhere).
int sg_sandbox(lua_State *L, const char *folder);
/// Compiles text (never binary) as a function with the sandbox environment; references it.
int sg_load(lua_State *L, const char *chunk, size_t length, const char *chunkname, int *ref);
/// Compiles a file (never binary) as a function with the sandbox environment; references it.
int sg_loadfile(lua_State *L, const char *path, const char *chunkname, int *ref);
/// Calls the referenced function with `argc` values (children follow them in `values`) and
/// leaves `nresults` results (or all, if negative) on the stack above index 1.
int sg_call(lua_State *L, int function_ref, const sg_value *values, int argc, const char *arena,
            int nresults);
/// Builds `values[0]` (and its children) in the registry.
int sg_new_ref(lua_State *L, const sg_value *values, const char *arena, int *ref);
/// References the value at `index`, or the field `name` of the table at `index`.
int sg_ref_value(lua_State *L, int index, const char *name, int *ref);
/// A Lua function that calls the host function `function_id` through the dispatcher.
int sg_new_function(lua_State *L, int function_id, int *ref);
int sg_unref(lua_State *L, int ref);
/// Sets a global of the sandbox environment to a referenced value.
int sg_set_global(lua_State *L, const char *name, int ref);
/// Runs a full collection (finalizers run under a fresh budget).
int sg_collect(lua_State *L);

// Non-raising helpers.

/// Reads the scalar at `index` (tables and functions come back as SG_OTHER).
void sg_read(lua_State *L, int index, sg_value *out);
/// How a state finds record fields by key: the interned names (`keys_ref`), their addresses,
/// and an open-addressing table of `mask + 1` slots holding field index + 1 (0: empty), placed
/// by `(address >> 4) & mask`. Made once per record shape.
typedef struct sg_key_map {
  int keys_ref;
  int count;
  const void *const *pointers;
  const int32_t *table;
  uintptr_t mask;
} sg_key_map;

/// The addresses of the interned names, for building an `sg_key_map`.
void sg_key_pointers(lua_State *L, int keys_ref, int count, const void **out);
/// Reads the record table at `index` into `out[0..<map->count]` in one traversal. Returns how
/// many entries are not fields, or -1 if it is not a table, -2 if there is no stack space.
int sg_read_record(lua_State *L, int index, const sg_key_map *map, sg_value *out);
/// The first key of the table at `index` that is not one of the interned fields, if it is a
/// string (bytes NULL otherwise).
void sg_extra_key(lua_State *L, int index, int keys_ref, int count, const char **bytes,
                  size_t *length);
/// The line where the referenced function is defined, or 0.
int sg_function_line(lua_State *L, int ref);

// For dispatchers: stage the results of a host function, copied, so that they are pushed in C.
int sg_reply(lua_State *L, const sg_value *values, int argc, int total, const char *arena,
             size_t arena_length);
void sg_reply_error(lua_State *L, const char *message, size_t length);

/// Whether two byte ranges are equal (memcmp, for Swift without Foundation).
static inline int sg_same_bytes(const void *a, const void *b, size_t length) {
  return length == 0 || memcmp(a, b, length) == 0;
}

#endif
