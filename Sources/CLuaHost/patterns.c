// Bounds for the string functions that run long in C, where the count hook never fires.
//
// Lua's pattern matcher backtracks: `string.find(string.rep("a", 1e5), ".-.-.-b")` runs for
// hours, and no cap on the subject's length alone stops it (a 1,000-byte subject with seven
// `.-` is just as bad). So before a pattern function runs, the work it may do is estimated from
// the pattern and the subject, and charged against the call's instruction budget. The estimate
// is an upper bound on the matcher's steps:
//
// - a single-character item costs one step, then the rest of the pattern;
// - a repeated item (`*`, `+`, `-`) may stop after 0..run characters, where run is the longest
//   stretch of the subject it can match, and may try the rest after each; when the next item
//   is a single character class, only the positions where that class matches go on;
// - `?` tries the rest twice; `%b`, back-references and the subject scan are linear;
// - an unanchored pattern is tried at every start position the first item allows.
//
// `string.rep` is checked against the memory left before it allocates.

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SG_MAX_PATTERN 1024
/// How many estimated matcher steps cost one instruction of the budget: a step (one byte
/// compared) is a few times cheaper than a VM instruction, and the estimate is pessimistic.
#define SG_STEPS_PER_INSTRUCTION 8.0

enum { ITEM_CLASS, ITEM_BALANCE, ITEM_FRONTIER, ITEM_BACKREF, ITEM_END };

typedef struct item {
  int kind;
  const char *p, *end;  // CLASS: the class is [p, end)
  char suffix;          // CLASS: 0, '*', '+', '-' or '?'
  int analysed;
  double run, occurrences;  // longest stretch of matching bytes, and how many match
} item;

static int class_matches(int c, int class) {
  int result;
  switch (tolower(class)) {
    case 'a': result = isalpha(c); break;
    case 'c': result = iscntrl(c); break;
    case 'd': result = isdigit(c); break;
    case 'g': result = isgraph(c); break;
    case 'l': result = islower(c); break;
    case 'p': result = ispunct(c); break;
    case 's': result = isspace(c); break;
    case 'u': result = isupper(c); break;
    case 'w': result = isalnum(c); break;
    case 'x': result = isxdigit(c); break;
    default: return class == c;
  }
  return isupper(class) ? !result : result != 0;
}

/// `p` is at '[' and `close` at the matching ']'.
static int set_matches(int c, const char *p, const char *close) {
  int negated = 0;
  p++;
  if (*p == '^') {
    negated = 1;
    p++;
  }
  while (p < close) {
    if (*p == '%' && p + 1 < close) {
      if (class_matches(c, (unsigned char)p[1])) return !negated;
      p += 2;
    } else if (p + 2 < close && p[1] == '-') {
      if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return !negated;
      p += 3;
    } else {
      if ((unsigned char)*p == c) return !negated;
      p++;
    }
  }
  return negated;
}

static int item_matches(int c, const item *it) {
  switch (*it->p) {
    case '.': return 1;
    case '%': return class_matches(c, (unsigned char)it->p[1]);
    case '[': return set_matches(c, it->p, it->end - 1);
    default: return (unsigned char)*it->p == c;
  }
}

/// The end of the single-character class at `p`, or NULL if the pattern is malformed there.
static const char *class_end(const char *p, const char *pe) {
  if (p >= pe) return NULL;
  char c = *p++;
  if (c == '%') return p < pe ? p + 1 : NULL;
  if (c != '[') return p;
  if (p < pe && *p == '^') p++;
  for (;;) {  // the first character of a set is taken literally, even ']'
    if (p >= pe) return NULL;
    if (*p++ == '%') {
      if (p >= pe) return NULL;
      p++;
    }
    if (p >= pe) return NULL;
    if (*p == ']') return p + 1;
  }
}

/// Splits a pattern into items; captures are left out, as they cost nothing. Returns the
/// number of items, or -1 if the pattern is malformed (the matcher will say how, quickly).
static int parse(const char *p, const char *pe, int caret_is_literal, item *items, int *anchored) {
  int count = 0;
  *anchored = 0;
  if (!caret_is_literal && p < pe && *p == '^') {
    *anchored = 1;
    p++;
  }
  while (p < pe) {
    item *it = &items[count];
    memset(it, 0, sizeof *it);
    if (*p == '(' || *p == ')') {
      p++;
      continue;
    }
    if (*p == '$' && p + 1 == pe) {
      it->kind = ITEM_END;
      p++;
    } else if (*p == '%' && p + 1 < pe && p[1] == 'b') {
      if (p + 4 > pe) return -1;
      it->kind = ITEM_BALANCE;
      p += 4;
    } else if (*p == '%' && p + 1 < pe && p[1] == 'f') {
      p += 2;
      const char *end = p < pe && *p == '[' ? class_end(p, pe) : NULL;
      if (end == NULL) return -1;
      it->kind = ITEM_FRONTIER;
      p = end;
    } else if (*p == '%' && p + 1 < pe && isdigit((unsigned char)p[1])) {
      it->kind = ITEM_BACKREF;
      p += 2;
    } else {
      const char *end = class_end(p, pe);
      if (end == NULL) return -1;
      it->kind = ITEM_CLASS;
      it->p = p;
      it->end = end;
      if (end < pe && (*end == '*' || *end == '+' || *end == '-' || *end == '?')) it->suffix = *end;
      p = end + (it->suffix ? 1 : 0);
    }
    count++;
  }
  return count;
}

static void analyse(item *it, const unsigned char *s, size_t n, double *work) {
  if (it->analysed) return;
  it->analysed = 1;
  if (*it->p == '.') {
    it->run = it->occurrences = (double)n;
    return;
  }
  size_t run = 0, longest = 0, count = 0;
  for (size_t i = 0; i < n; i++) {
    if (item_matches(s[i], it)) {
      count++;
      if (++run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  *work += (double)n * (double)(it->end - it->p);
  it->run = (double)longest;
  it->occurrences = (double)count;
}

/// Items that let the matcher give up at once where they do not match.
static int prunes(const item *it) {
  return it->kind == ITEM_CLASS && (it->suffix == 0 || it->suffix == '+');
}

/// The estimate, or INFINITY as soon as it passes `limit`.
static double estimate(const char *subject, size_t n, const char *pattern, size_t length,
                       int caret_is_literal, double limit) {
  const unsigned char *s = (const unsigned char *)subject;
  item *items = malloc((length + 1) * sizeof *items);
  if (items == NULL) return INFINITY;
  int anchored;
  int count = parse(pattern, pattern + length, caret_is_literal, items, &anchored);
  double work = 0, rest = 1;
  if (count < 0) rest = (double)n;  // malformed: the matcher fails on first reaching the fault
  for (int k = count - 1; k >= 0 && rest + work <= limit; k--) {
    item *it = &items[k];
    switch (it->kind) {
      case ITEM_END: rest = 1; break;
      case ITEM_BALANCE:
      case ITEM_BACKREF: rest = (double)n + rest; break;
      case ITEM_FRONTIER: rest = 1 + rest; break;
      default:
        if (it->suffix == 0) {
          rest = 1 + rest;
        } else if (it->suffix == '?') {
          rest = 1 + 2 * rest;
        } else {
          // Bound the analysis too: it reads the whole subject once per class.
          if ((double)n * (double)(it->end - it->p) + work > limit) {
            work = INFINITY;
            break;
          }
          analyse(it, s, n, &work);
          double branches = it->run + 1;
          if (k + 1 < count && prunes(&items[k + 1])) {
            analyse(&items[k + 1], s, n, &work);
            if (items[k + 1].occurrences < branches) branches = items[k + 1].occurrences;
          }
          rest = (it->run + 1) + branches * rest;
        }
    }
  }
  double total = rest;
  if (count > 0 && !anchored && rest + work <= limit) {
    double starts = (double)n + 1;
    if (prunes(&items[0])) {
      analyse(&items[0], s, n, &work);
      starts = items[0].occurrences;
    }
    total = (double)n + 1 + starts * rest;
  }
  free(items);
  total += work;
  return total > limit ? INFINITY : total;
}

static int has_specials(const char *p, size_t length) {
  for (size_t i = 0; i < length; i++)
    if (memchr("^$*+?.([%-", p[i], 10) != NULL) return 1;
  return 0;
}

enum { FIND, MATCH, GMATCH, GSUB };

// string.find/match/gmatch/gsub: upvalue 1 is the original, upvalue 2 which one it is.
static int pattern_wrapper(lua_State *L) {
  sg_host *h = sg_host_of(L);
  int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
  size_t n, length;
  const char *subject = luaL_checklstring(L, 1, &n);
  const char *pattern = luaL_checklstring(L, 2, &length);
  if (length > SG_MAX_PATTERN)
    return luaL_error(L, "pattern too long (%d bytes; at most %d)", (int)length, SG_MAX_PATTERN);
  double limit = (double)h->remaining * SG_STEPS_PER_INSTRUCTION;
  double steps;
  if (kind == FIND && (lua_toboolean(L, 4) || !has_specials(pattern, length)))
    steps = (double)n * (1 + (double)length / 64) + (double)length;  // a plain search
  else
    steps = estimate(subject, n, pattern, length, kind == GMATCH, limit);
  if (steps >= limit) return sg_trip_raise(L, SG_TRIP_INSTRUCTIONS, SG_REASON_PATTERN, 1);
  sg_charge(L, steps / SG_STEPS_PER_INSTRUCTION);
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L);
}

// string.rep: upvalue 1 is the original.
static int rep_wrapper(lua_State *L) {
  size_t length, separator;
  luaL_checklstring(L, 1, &length);
  lua_Integer count = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &separator);
  if (count > 0) {
    sg_host *h = sg_host_of(L);
    // Twice the result: the string is built in a buffer, then copied into the new string.
    double total = 2 * ((double)length * (double)count + (double)separator * (double)(count - 1));
    double room = h->limit > h->used ? (double)(h->limit - h->used) : 0;
    if (total > room) return sg_trip_raise(L, SG_TRIP_MEMORY, SG_REASON_REP, 1);
    // string.rep("", 1 << 62) allocates nothing but loops for centuries: charge the loop too.
    sg_charge(L, (double)count / 16);
  }
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L);
}

void sg_wrap_string_library(lua_State *L) {
  int library = lua_gettop(L);
  const char *names[] = {"find", "match", "gmatch", "gsub"};
  for (int kind = 0; kind < 4; kind++) {
    lua_getfield(L, library, names[kind]);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, pattern_wrapper, 2);
    lua_setfield(L, library, names[kind]);
  }
  lua_getfield(L, library, "rep");
  lua_pushcclosure(L, rep_wrapper, 1);
  lua_setfield(L, library, "rep");
}
