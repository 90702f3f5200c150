#ifndef SAFEGUARD_CLUAHOST_H
#define SAFEGUARD_CLUAHOST_H

// The part of the Lua host that must be written in C: everything that may raise a Lua error
// (which `longjmp`s) runs in these functions, never in a Swift frame. Swift calls the
// protected entry points below, which return a Lua status, and otherwise only Lua API functions
// that never raise.

#include <stdbool.h>
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

/// Column kinds beyond the value kinds above (see `sg_column`): a date as a day number, going
/// in as ISO text, and a code as its position in a list of interned texts.
#define SG_DATE 10
#define SG_CODE 11

/// One typed column of a batch, read in place: `present[row]` says whether the row has a value,
/// and `values` holds one per row: int64_t (INTEGER), double (FLOAT), bool (BOOLEAN), int32_t
/// days since 1970-01-01 (DATE) or int32_t positions in the code list (CODE). A STRING column
/// has UTF-8 `bytes`, row r ending at `ends[r]` and starting at `ends[r - 1]` (or 0).
typedef struct sg_column {
  int32_t kind;
  /// CODE: where the column's codes start in the shape's interned array (see `sg_rows`).
  int32_t codes;
  const bool *present;
  const void *values;
  const uint8_t *bytes;
  const int32_t *ends;
} sg_column;

/// Rows of a batch to hand to a hook as record tables. `keys_ref` is the shape's interned
/// array: the field names at 1...column_count, then each code column's codes.
typedef struct sg_rows {
  const sg_column *columns;
  int column_count;
  /// Rows in every column.
  int batch_rows;
  int keys_ref;
  int first;
  int count;
  /// 0: one record table (of row `first`); 1: a sequence of `count` record tables.
  int as_list;
} sg_rows;

/// What stopped a state for good. A tripped state refuses further work and must be rebuilt.
#define SG_TRIP_NONE 0
#define SG_TRIP_INSTRUCTIONS 1
#define SG_TRIP_MEMORY 2
/// Why, in more detail than the trip kind.
#define SG_REASON_BUDGET 0
#define SG_REASON_PATTERN 1
#define SG_REASON_REP 2
#define SG_REASON_ALLOCATION 3
#define SG_REASON_DEADLINE 4

/// Statuses beyond Lua's own: the state was already tripped, or has no stack space left.
#define SG_STATUS_SPENT 100
#define SG_STATUS_NOSTACK 101
/// A hook's result the host cannot read into its declared slots (see `sg_call_each`).
#define SG_STATUS_BAD_RESULT 102

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

/// Gives every later protected call of the state a wall-clock deadline of `nanoseconds` after
/// it starts (0: none), checked with the instruction count and at every charge for work done in
/// C. The last line of defence for work no count reaches (comparing long strings).
void sg_set_call_time(lua_State *L, int64_t nanoseconds);

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
/// Calls the referenced function with the rows as its first argument and `argc` more values
/// from `values`; leaves its one result on the stack above index 1.
int sg_call_rows(lua_State *L, int function_ref, const sg_rows *rows, const sg_value *values,
                 int argc, const char *arena);
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
/// How a state reads back records of one shape, made once per shape: the interned names
/// (`keys_ref`) and their addresses, an open-addressing table of `mask + 1` slots holding field
/// index + 1 (0: empty) placed by `(address >> 4) & mask`, each field's kind (SG_STRING, ...,
/// SG_DATE, SG_CODE), and for a code field `code_count[f]` texts from `codes[code_first[f]]`:
/// the bytes of its interned codes.
typedef struct sg_shape_map {
  int keys_ref;
  int count;
  const void *const *pointers;
  const int32_t *table;
  uintptr_t mask;
  const int32_t *kinds;
  const char *const *codes;
  const int32_t *code_first;
  const int32_t *code_count;
} sg_shape_map;

/// A returned record's text field, as `sg_read_row` leaves it: Lua's bytes, valid while the
/// record stays on the stack.
typedef struct sg_text {
  /// SG_TEXT_NONE (the field is not text, or null), SG_TEXT_VALID (well-formed UTF-8), or
  /// SG_TEXT_UNCHECKED: the host must look further, at a string that is not UTF-8 or a code
  /// field's text that is not one of the interned codes (a long code, or no code at all).
  int32_t state;
  const char *bytes;
  size_t length;
} sg_text;

#define SG_TEXT_NONE 0
#define SG_TEXT_VALID 1
#define SG_TEXT_UNCHECKED 2

/// Records a hook returned, row after row: for every field of every row whether it has a
/// value (`present`) and the value as a word (an integer, a decimal's bit pattern, a boolean as
/// 0 or 1, a day number, a code's position, or a string's place in `text`: start in the high 32
/// bits, length in the low). After the `rows` kept may follow one pending row, which the host
/// keeps or drops; `texts` describes the pending row's text fields.
typedef struct sg_output {
  int fields;
  size_t rows;
  size_t capacity;
  bool *present;
  int64_t *words;
  char *text;
  size_t text_length;
  size_t text_capacity;
  bool pending;
  size_t pending_text;
  sg_text *texts;
  /// How many of the pending row's text fields are SG_TEXT_UNCHECKED (their words still 0).
  int unchecked;
} sg_output;

/// A buffer for rows of `fields` fields, with room for `capacity` rows; NULL without memory.
sg_output *sg_output_new(int fields, size_t capacity);
void sg_output_free(sg_output *out);
/// Makes room for `rows` rows; false without memory.
bool sg_output_reserve(sg_output *out, size_t rows);
/// Starts a pending row of nulls, dropping any pending row before it; false without memory.
bool sg_output_begin(sg_output *out);
/// Copies `length` bytes of text into field `field` of the pending row; false without memory.
bool sg_output_set_text(sg_output *out, int field, const char *bytes, size_t length);
/// Sets field `field` of the pending row.
static inline void sg_output_set_word(sg_output *out, int field, int64_t word) {
  out->words[out->rows * (size_t)out->fields + (size_t)field] = word;
}
/// Keeps the pending row, or drops it (and its text).
void sg_output_keep(sg_output *out);
void sg_output_drop(sg_output *out);
/// Removes every row.
void sg_output_clear(sg_output *out);

/// Why a field of a returned record does not fit (see `sg_read_row`).
#define SG_MISFIT_TYPE 1
#define SG_MISFIT_NOT_FINITE 2
#define SG_MISFIT_FRACTION 3
#define SG_MISFIT_DATE 4
#define SG_MISFIT_TOO_LONG 5

/// The most bytes one text field a hook returns may hold, and all the text of the records one
/// batch's calls return: the host holds them until the batch is built, outside the plugin's
/// memory limit (a 24 MiB field per record took a run past 6 GB).
#define SG_MAX_FIELD_BYTES (16u << 20)
#define SG_MAX_OUTPUT_TEXT_BYTES ((size_t)256 << 20)

/// The first field, in schema order, that does not fit: which, why, and what kind of value it
/// holds (SG_BOOLEAN, SG_INTEGER, SG_FLOAT, SG_STRING, or SG_OTHER with its Lua type).
typedef struct sg_misfit {
  int32_t field;
  int32_t reason;
  int32_t found;
  int32_t found_lua_type;
} sg_misfit;

/// The addresses of the interned names, for building an `sg_shape_map`.
void sg_key_pointers(lua_State *L, int keys_ref, int count, const void **out);
/// The bytes of the strings at `first...first + count - 1` of the referenced array (NULL for a
/// value that is not a string).
void sg_interned_texts(lua_State *L, int ref, int first, int count, const char **out);
/// Reads the record table at `index` as `out`'s pending row in one traversal, converting each
/// field to its kind; well-formed text is copied in, other text is left in `out->texts`.
/// Returns 0; or how many entries are not fields; or -1 if it is not a table, -2 if there is no
/// stack space, -3 if a field does not fit (described in `misfit`; fields before it are read),
/// -4 without memory. On any status but 0 the host drops the pending row.
int sg_read_row(lua_State *L, int index, const sg_shape_map *map, sg_output *out,
                sg_misfit *misfit);
/// The first key of the table at `index` that is not one of the interned fields, if it is a
/// string (bytes NULL otherwise).
void sg_extra_key(lua_State *L, int index, int keys_ref, int count, const char **bytes,
                  size_t *length);
/// An aggregate hook called once per row with `sg_call_each`: the rows (their `first` and
/// `count`; `as_list` is ignored), the registry reference of the metatable `sg_row_defaults`
/// made for their shape (0: every non-null field is stored in each row's table), and the map of
/// the result names, whose `count` numbers per row go to `out`.
typedef struct sg_each {
  const sg_rows *rows;
  int defaults_ref;
  const sg_shape_map *results;
  double *out;
} sg_each;

/// Makes the metatable through which rows share their zeros: `__index` is a table holding 0 for
/// every integer field and false for every boolean field of the shape (`kinds`, names in the
/// interned array `keys_ref`), `__pairs` visits a row's own fields and then the shared ones it
/// does not hold, and `__metatable` hides it. Protected; references the metatable in `ref`.
int sg_row_defaults(lua_State *L, int keys_ref, const int32_t *kinds, int count, int *ref);
/// Calls the referenced function once per row with the row's table and `argc` more values, each
/// call protected with a fresh instruction budget, and reads each result into the row's slots of
/// `each->out`: nil leaves them 0; a table's entries go by name (true 1, false 0, a number as
/// itself, text 0). Stops at the first call that fails, with `*done` the rows finished before
/// it: returns its Lua status (the message on top of the stack), or SG_STATUS_BAD_RESULT when
/// the result is not nil or a table of declared names to scalars (left at stack index 2 for the
/// host to describe). LUA_OK when every row is done.
int sg_call_each(lua_State *L, int function_ref, const sg_each *each, const sg_value *values, int argc,
                 const char *arena, int *done);
/// Reads a result at `index` into `map->count` slots (see `sg_call_each`) without raising:
/// 0; 1 for a key that is not a declared name or a value that is not a scalar; -1 for a value
/// that is neither nil nor a table; -2 without stack space.
int sg_read_slots(lua_State *L, int index, const sg_shape_map *map, double *out);
/// Whether `length` bytes are well-formed UTF-8.
bool sg_valid_utf8(const char *bytes, size_t length);
/// The line where the referenced function is defined, or 0.
int sg_function_line(lua_State *L, int ref);
/// From inside a host function: the short source name (into `source`, `capacity` bytes with its
/// NUL) and current line of the Lua code that called it; 0 when unknown (called from C, or
/// no line information). Raises nothing and allocates nothing.
int sg_caller_line(lua_State *L, char *source, size_t capacity);

// For dispatchers: stage the results of a host function, copied, so that they are pushed in C.
int sg_reply(lua_State *L, const sg_value *values, int argc, int total, const char *arena,
             size_t arena_length);
void sg_reply_error(lua_State *L, const char *message, size_t length);

/// Whether two byte ranges are equal (memcmp, for Swift without Foundation).
static inline int sg_same_bytes(const void *a, const void *b, size_t length) {
  return length == 0 || memcmp(a, b, length) == 0;
}

#endif
