// Protected entry points for Swift, and the trampoline through which Lua calls Swift. Every
// Lua API call that may raise happens in this file's C frames, inside `lua_pcall`.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct protected_call {
  sg_body body;
  void *ud;
} protected_call;

static int protected_entry(lua_State *L) {
  protected_call *call = lua_touserdata(L, 1);
  lua_remove(L, 1);
  return call->body(L, call->ud);
}

// Runs `body` in protected mode with the message handler at index 1 and a fresh instruction
// budget. The top `nargs` values are moved into the call (a C function sees only its own
// frame: indices inside `body` count from its arguments). Its results (`nresults`, or all if
// negative) are left on the stack.
static int sg_protect_args(lua_State *L, sg_body body, void *ud, int nargs, int nresults) {
  sg_host *h = sg_host_of(L);
  int refused = h->trip != SG_TRIP_NONE ? SG_STATUS_SPENT : 0;
  // > lua_checkstack [-0, +0, –]: never raises; returns false if it cannot grow the stack.
  if (!refused && !lua_checkstack(L, 4)) refused = SG_STATUS_NOSTACK;
  if (refused) {
    lua_pop(L, nargs);
    return refused;
  }
  h->remaining = h->budget;
  sg_start_call_clock(h);
  h->depth = 0;
  h->trip_line = 0;
  protected_call call = {body, ud};
  lua_pushcfunction(L, protected_entry);
  lua_pushlightuserdata(L, &call);
  // > lua_rotate [-0, +0, –]: puts the function and its first argument below the others.
  if (nargs > 0) lua_rotate(L, -(nargs + 2), 2);
  // > If msgh is 0, then the error object returned on the stack is exactly the original error
  // > object. Otherwise, msgh is the stack index of a message handler.
  int status = lua_pcall(L, nargs + 1, nresults < 0 ? LUA_MULTRET : nresults, 1);
  h->relaxed = 0;
  return status;
}

int sg_protect(lua_State *L, sg_body body, void *ud, int nresults) {
  return sg_protect_args(L, body, ud, 0, nresults);
}

int sg_sandbox(lua_State *L, const char *folder) {
  return sg_protect(L, sg_sandbox_body, (void *)folder, 0);
}

// MARK: Loading

typedef struct load_spec {
  const char *chunk;
  size_t length;
  const char *path;
  const char *chunkname;
  int *ref;
  int status;
} load_spec;

/// Reads a file for `lua_load` a block at a time.
typedef struct file_reader {
  FILE *file;
  char block[4096];
} file_reader;

static const char *read_block(lua_State *L, void *ud, size_t *size) {
  (void)L;
  file_reader *reader = ud;
  *size = fread(reader->block, 1, sizeof reader->block, reader->file);
  return *size > 0 ? reader->block : NULL;
}

int sg_load_file_chunk(lua_State *L, const char *path, const char *chunkname) {
  file_reader reader;
  reader.file = fopen(path, "r");
  if (reader.file == NULL) return luaL_error(L, "cannot open %s", chunkname + 1);
  // > lua_load ... The mode string ... "t" (only text chunks). lua_load itself runs protected
  // and returns a status, so the file is closed before anything can raise.
  int status = lua_load(L, read_block, &reader, chunkname, "t");
  fclose(reader.file);
  return status;
}

static int load_body(lua_State *L, void *ud) {
  load_spec *spec = ud;
  int status = spec->path ? sg_load_file_chunk(L, spec->path, spec->chunkname)
                          : luaL_loadbufferx(L, spec->chunk, spec->length, spec->chunkname, "t");
  if (status != LUA_OK) {
    // Returned, not raised, so that a syntax error keeps its own status.
    spec->status = status;
    return 1;
  }
  // A main chunk's only upvalue is _ENV, which `lua_load` set to the globals: the sandbox.
  *spec->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

static int load_protected(lua_State *L, load_spec *spec) {
  int status = sg_protect(L, load_body, spec, 1);
  if (status != LUA_OK) return status;
  if (spec->status != LUA_OK) return spec->status;  // the message is on top
  lua_pop(L, 1);
  return LUA_OK;
}

int sg_load(lua_State *L, const char *chunk, size_t length, const char *chunkname, int *ref) {
  load_spec spec = {chunk, length, NULL, chunkname, ref, LUA_OK};
  return load_protected(L, &spec);
}

int sg_loadfile(lua_State *L, const char *path, const char *chunkname, int *ref) {
  load_spec spec = {NULL, 0, path, chunkname, ref, LUA_OK};
  return load_protected(L, &spec);
}

// MARK: Calling

typedef struct call_spec {
  int function_ref;
  const sg_value *values;
  int argc;
  const char *arena;
  int nresults;
} call_spec;

static int call_body(lua_State *L, void *ud) {
  call_spec *spec = ud;
  sg_host *h = sg_host_of(L);
  luaL_checkstack(L, spec->argc + 1, "too many arguments");
  int base = lua_gettop(L);
  // The host's own pushes may pass the cap: a plugin holding nearly all its memory should fail
  // at its next allocation, not make the host fail to hand over a record.
  h->relaxed = 1;
  lua_rawgeti(L, LUA_REGISTRYINDEX, spec->function_ref);
  for (int i = 0; i < spec->argc; i++) sg_push_value(L, spec->values, i, spec->arena);
  h->relaxed = 0;
  lua_call(L, spec->argc, spec->nresults < 0 ? LUA_MULTRET : spec->nresults);
  return lua_gettop(L) - base;
}

int sg_call(lua_State *L, int function_ref, const sg_value *values, int argc, const char *arena,
            int nresults) {
  call_spec spec = {function_ref, values, argc, arena, nresults};
  return sg_protect(L, call_body, &spec, nresults);
}

typedef struct rows_spec {
  int function_ref;
  const sg_rows *rows;
  const sg_value *values;
  int argc;
  const char *arena;
} rows_spec;

static int rows_body(lua_State *L, void *ud) {
  rows_spec *spec = ud;
  sg_host *h = sg_host_of(L);
  luaL_checkstack(L, spec->argc + 8, "too many arguments");
  const sg_rows *rows = spec->rows;
  h->relaxed = 1;  // as in call_body: the host's pushes may pass the cap
  // The interned names stay below the function while the record is built, then are dropped
  // with the body's frame: the body returns only the hook's result.
  lua_rawgeti(L, LUA_REGISTRYINDEX, rows->keys_ref);
  int keys = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, spec->function_ref);
  if (rows->as_list) {
    lua_createtable(L, rows->count, 0);
    for (int r = 0; r < rows->count; r++) {
      sg_push_row(L, rows, rows->first + r, keys);
      lua_rawseti(L, -2, r + 1);
    }
  } else {
    sg_push_row(L, rows, rows->first, keys);
  }
  for (int i = 0; i < spec->argc; i++) sg_push_value(L, spec->values, i, spec->arena);
  h->relaxed = 0;
  lua_call(L, 1 + spec->argc, 1);
  return 1;
}

int sg_call_rows(lua_State *L, int function_ref, const sg_rows *rows, const sg_value *values,
                 int argc, const char *arena) {
  rows_spec spec = {function_ref, rows, values, argc, arena};
  return sg_protect(L, rows_body, &spec, 1);
}

// MARK: References

typedef struct ref_spec {
  const sg_value *values;
  const char *arena;
  int index;
  const char *name;
  int id;
  int *ref;
} ref_spec;

static int new_ref_body(lua_State *L, void *ud) {
  ref_spec *spec = ud;
  sg_host_of(L)->relaxed = 1;
  sg_push_value(L, spec->values, 0, spec->arena);
  *spec->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int sg_new_ref(lua_State *L, const sg_value *values, const char *arena, int *ref) {
  ref_spec spec = {values, arena, 0, NULL, 0, ref};
  return sg_protect(L, new_ref_body, &spec, 0);
}

static int ref_value_body(lua_State *L, void *ud) {
  ref_spec *spec = ud;  // the value is the only argument, at index 1
  if (spec->name) {
    // Raw, so that looking up a hook never runs a metamethod of the plugin's.
    lua_pushstring(L, spec->name);
    lua_rawget(L, -2);
  }
  *spec->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int sg_ref_value(lua_State *L, int index, const char *name, int *ref) {
  ref_spec spec = {NULL, NULL, 0, name, 0, ref};
  if (!lua_checkstack(L, 1)) return SG_STATUS_NOSTACK;
  lua_pushvalue(L, index);
  return sg_protect_args(L, ref_value_body, &spec, 1, 0);
}

static int unref_body(lua_State *L, void *ud) {
  luaL_unref(L, LUA_REGISTRYINDEX, *(int *)ud);
  return 0;
}

int sg_unref(lua_State *L, int ref) { return sg_protect(L, unref_body, &ref, 0); }

static int set_global_body(lua_State *L, void *ud) {
  ref_spec *spec = ud;
  lua_rawgeti(L, LUA_REGISTRYINDEX, spec->id);
  lua_setglobal(L, spec->name);
  return 0;
}

int sg_set_global(lua_State *L, const char *name, int ref) {
  ref_spec spec = {NULL, NULL, 0, name, ref, NULL};
  return sg_protect(L, set_global_body, &spec, 0);
}

static int collect_body(lua_State *L, void *ud) {
  (void)ud;
  lua_gc(L, LUA_GCCOLLECT);
  return 0;
}

int sg_collect(lua_State *L) { return sg_protect(L, collect_body, NULL, 0); }

// MARK: Host functions

// Calls Swift, which reads its arguments and stages its results without raising; the results
// are pushed, or the error raised, here, after the Swift frames have returned.
static int host_trampoline(lua_State *L) {
  sg_host *h = sg_host_of(L);
  int id = (int)lua_tointeger(L, lua_upvalueindex(1));
  if (h->depth >= SG_MAX_NESTING) return luaL_error(L, "host functions nested too deeply");
  int level = h->depth++;
  sg_reply_buffer *reply = &h->replies[level];
  reply->argc = 0;
  reply->bytes_length = 0;
  int count = h->dispatch(h->context, L, id);
  if (count < 0) {
    luaL_where(L, 1);
    lua_pushlstring(L, reply->bytes ? reply->bytes : "", reply->bytes_length);
    lua_concat(L, 2);
    h->depth = level;
    return lua_error(L);
  }
  luaL_checkstack(L, reply->argc, "too many results");
  for (int i = 0; i < reply->argc; i++) sg_push_value(L, reply->values, i, reply->bytes);
  h->depth = level;
  return reply->argc;
}

static int new_function_body(lua_State *L, void *ud) {
  ref_spec *spec = ud;
  lua_pushinteger(L, spec->id);
  lua_pushcclosure(L, host_trampoline, 1);
  *spec->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int sg_new_function(lua_State *L, int function_id, int *ref) {
  ref_spec spec = {NULL, NULL, 0, NULL, function_id, ref};
  return sg_protect(L, new_function_body, &spec, 0);
}

static int reserve(void **buffer, size_t *capacity, size_t needed, size_t size) {
  if (needed <= *capacity) return 1;
  size_t grown = *capacity ? *capacity : 8;
  while (grown < needed) grown *= 2;
  void *block = realloc(*buffer, grown * size);
  if (block == NULL) return 0;
  *buffer = block;
  *capacity = grown;
  return 1;
}

int sg_reply(lua_State *L, const sg_value *values, int argc, int total, const char *arena,
             size_t arena_length) {
  sg_host *h = sg_host_of(L);
  if (h->depth == 0) return -1;
  sg_reply_buffer *reply = &h->replies[h->depth - 1];
  if (!reserve((void **)&reply->values, &reply->values_capacity, (size_t)total, sizeof(sg_value)) ||
      !reserve((void **)&reply->bytes, &reply->bytes_capacity, arena_length + 1, 1))
    return -1;
  if (total > 0) memcpy(reply->values, values, (size_t)total * sizeof(sg_value));
  if (arena_length > 0) memcpy(reply->bytes, arena, arena_length);
  reply->argc = argc;
  reply->bytes_length = arena_length;
  return 0;
}

void sg_reply_error(lua_State *L, const char *message, size_t length) {
  sg_host *h = sg_host_of(L);
  if (h->depth == 0) return;
  sg_reply_buffer *reply = &h->replies[h->depth - 1];
  if (!reserve((void **)&reply->bytes, &reply->bytes_capacity, length + 1, 1)) length = 0;
  if (length > 0) memcpy(reply->bytes, message, length);
  reply->bytes_length = length;
}
