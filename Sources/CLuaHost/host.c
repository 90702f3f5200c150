// The state itself: the counting allocator, the instruction-count hook, the message handler,
// and the stopping of a state that hit a limit.

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

// Registry keys (their addresses) for the messages raised when a state trips. They are made
// when the state opens, so that raising them later needs no memory.
#define SG_TRIP_MESSAGES 5

static const char trip_message_keys[SG_TRIP_MESSAGES] = {0};

static const char *const trip_messages[SG_TRIP_MESSAGES] = {
  "instruction limit exceeded",
  "pattern too complex for its subject (estimated work exceeds the instruction limit)",
  "string.rep result would exceed the memory limit",
  "memory limit exceeded",
  "time limit exceeded",
};

static int64_t monotonic_nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

void sg_set_call_time(lua_State *L, int64_t nanoseconds) { sg_host_of(L)->call_time = nanoseconds; }

void sg_start_call_clock(sg_host *h) {
  h->deadline = h->call_time > 0 ? monotonic_nanoseconds() + h->call_time : 0;
}

static int past_deadline(sg_host *h) { return h->deadline != 0 && monotonic_nanoseconds() > h->deadline; }

// > When ptr is NULL, osize encodes the kind of object that Lua is allocating.
// > ... Lua assumes that the allocator never fails when osize >= nsize.
static void *sg_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  sg_host *h = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    h->used -= old;
    return NULL;
  }
  if (nsize > old && !h->relaxed && h->used - old + nsize > h->limit) {
    // Lua runs an emergency collection after a refusal and asks again; refusing twice in a
    // row means the plugin really holds this much, so the state is spent.
    if (h->refused && h->trip == SG_TRIP_NONE) {
      h->trip = SG_TRIP_MEMORY;
      h->reason = SG_REASON_ALLOCATION;
    }
    h->refused = 1;
    return NULL;
  }
  void *block = realloc(ptr, nsize);
  if (block == NULL) {
    if (nsize <= old) return ptr;  // never fail a shrink: keep the larger block
    if (h->trip == SG_TRIP_NONE) {
      h->trip = SG_TRIP_MEMORY;
      h->reason = SG_REASON_ALLOCATION;
    }
    return NULL;
  }
  h->used = h->used - old + nsize;
  if (h->used > h->peak) h->peak = h->used;
  if (nsize > old) h->refused = 0;
  return block;
}

static void sg_hook(lua_State *L, lua_Debug *ar);

static void sg_record_position(lua_State *L, sg_host *h, int level) {
  lua_Debug ar;
  h->trip_source[0] = '\0';
  h->trip_line = 0;
  // "Sl" fills fields from the function's prototype and allocates nothing.
  if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
    memcpy(h->trip_source, ar.short_src, sizeof h->trip_source);
    h->trip_line = ar.currentline;
  }
}

int sg_trip_raise(lua_State *L, int trip, int reason, int level) {
  sg_host *h = sg_host_of(L);
  if (h->trip == SG_TRIP_NONE) {
    h->trip = trip;
    h->reason = reason;
    sg_record_position(L, h, level);
  } else if (h->trip_line == 0) {
    sg_record_position(L, h, level);
  }
  // From now on every instruction of this thread raises again, so that a `pcall` in the plugin
  // cannot swallow the stop (other threads notice at their next count).
  lua_sethook(L, sg_hook, LUA_MASKCOUNT, 1);
  int index = h->trip == SG_TRIP_MEMORY && h->reason == SG_REASON_ALLOCATION ? 3 : h->reason;
  // > lua_rawgetp [-0, +1, –]: no allocation, so this works with no memory left.
  lua_rawgetp(L, LUA_REGISTRYINDEX, &trip_message_keys[index]);
  return lua_error(L);
}

void sg_charge(lua_State *L, double instructions) {
  sg_host *h = sg_host_of(L);
  if (instructions >= (double)h->remaining) sg_trip_raise(L, SG_TRIP_INSTRUCTIONS, SG_REASON_BUDGET, 1);
  h->remaining -= (int64_t)instructions;
  if (past_deadline(h)) sg_trip_raise(L, SG_TRIP_INSTRUCTIONS, SG_REASON_DEADLINE, 1);
}

// > The count hook: is called after the interpreter executes every count instructions.
static void sg_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  sg_host *h = sg_host_of(L);
  if (h->trip == SG_TRIP_NONE) {
    // A memory error has no position (Lua raises it without a message handler), so while the
    // state is near its cap, note where the plugin is: the last note is within 1,000
    // instructions of the allocation that fails.
    if (h->used > h->limit / 2) sg_record_position(L, h, 0);
    h->remaining -= SG_HOOK_INTERVAL;
    if (h->remaining <= 0) sg_trip_raise(L, SG_TRIP_INSTRUCTIONS, SG_REASON_BUDGET, 0);
    if (past_deadline(h)) sg_trip_raise(L, SG_TRIP_INSTRUCTIONS, SG_REASON_DEADLINE, 0);
    return;
  }
  sg_trip_raise(L, h->trip, h->reason, 0);
}

// Adds a traceback to runtime errors. After a trip it returns the message untouched: there is
// no memory to spend, and the host attaches its own context instead.
static int sg_message_handler(lua_State *L) {
  sg_host *h = sg_host_of(L);
  if (h->trip != SG_TRIP_NONE) return 1;
  const char *message = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
  if (message == NULL) {
    // Never call __tostring here: it is plugin code, and the object may carry record values.
    message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, message, 1);
  return 1;
}

static int sg_open_body(lua_State *L) {
  for (int i = 0; i < SG_TRIP_MESSAGES; i++) {
    lua_pushstring(L, trip_messages[i]);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &trip_message_keys[i]);
  }
  return 0;
}

lua_State *sg_open(size_t memory_limit, int64_t instruction_budget, void *context, sg_log_fn log,
                   sg_dispatch_fn dispatch) {
  sg_host *h = calloc(1, sizeof *h);
  if (h == NULL) return NULL;
  h->limit = memory_limit;
  h->budget = h->remaining = instruction_budget;
  h->context = context;
  h->log = log;
  h->dispatch = dispatch;
  lua_State *L = lua_newstate(sg_alloc, h);
  if (L == NULL) {
    free(h);
    return NULL;
  }
  // Coroutines copy the hook of the thread that creates them, so every thread the plugin makes
  // later is counted too.
  lua_sethook(L, sg_hook, LUA_MASKCOUNT, SG_HOOK_INTERVAL);
  // Records are short-lived tables made one per call: the generational collector frees them
  // young, for much less work than incremental cycles over the whole heap.
  lua_gc(L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(L, sg_message_handler);  // stays at index 1 for every protected call
  lua_pushcfunction(L, sg_open_body);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    sg_close(L);
    return NULL;
  }
  return L;
}

void sg_close(lua_State *L) {
  if (L == NULL) return;
  sg_host *h = sg_host_of(L);
  // Finalizers run in lua_close; a fresh budget stops one that never returns, and a tripped
  // state kills them at once.
  h->remaining = h->budget;
  if (h->trip != SG_TRIP_NONE) lua_sethook(L, sg_hook, LUA_MASKCOUNT, 1);
  lua_close(L);
  for (int i = 0; i < SG_MAX_NESTING; i++) {
    free(h->replies[i].values);
    free(h->replies[i].bytes);
  }
  free(h);
}

int sg_trip(lua_State *L) { return sg_host_of(L)->trip; }
int sg_trip_reason(lua_State *L) { return sg_host_of(L)->reason; }
const char *sg_trip_source(lua_State *L) { return sg_host_of(L)->trip_source; }
int sg_trip_line(lua_State *L) { return sg_host_of(L)->trip_line; }
size_t sg_memory_used(lua_State *L) { return sg_host_of(L)->used; }
size_t sg_memory_peak(lua_State *L) { return sg_host_of(L)->peak; }

int sg_forbid(lua_State *L, const char *what) {
  return luaL_error(L, "sandbox: %s is not available to plugins", what);
}
