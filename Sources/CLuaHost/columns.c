// Records pushed straight from a batch's typed columns: no value is copied or converted in
// Swift on the way in. Pushing allocates and so runs only in protected calls.

#include "internal.h"

// Howard Hinnant's civil_from_days, as CivilDate.components in Swift.
static void civil_from_days(int64_t days, int64_t *year, int *month, int *day) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *day = (int)(doy - (153 * mp + 2) / 5 + 1);
  *month = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

/// Writes the day as CivilDate.iso does ("yyyy-MM-dd"; a year that is not four digits is
/// written whole, padded on the left with zeros to four characters) and returns the length.
static size_t iso_date(int32_t days, char *out) {
  int64_t year;
  int month, day;
  civil_from_days(days, &year, &month, &day);
  char digits[24];
  size_t count = 0;
  uint64_t magnitude = year < 0 ? (uint64_t)(-year) : (uint64_t)year;
  do {
    digits[count++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude > 0);
  if (year < 0) digits[count++] = '-';
  size_t length = 0;
  for (size_t pad = count; pad < 4; pad++) out[length++] = '0';
  while (count > 0) out[length++] = digits[--count];
  out[length++] = '-';
  out[length++] = (char)('0' + month / 10);
  out[length++] = (char)('0' + month % 10);
  out[length++] = '-';
  out[length++] = (char)('0' + day / 10);
  out[length++] = (char)('0' + day % 10);
  return length;
}

void sg_push_cell(lua_State *L, const sg_column *column, int row, int keys) {
  switch (column->kind) {
    case SG_STRING: {
      int32_t start = row == 0 ? 0 : column->ends[row - 1];
      lua_pushlstring(L, (const char *)column->bytes + start, (size_t)(column->ends[row] - start));
      break;
    }
    case SG_INTEGER: lua_pushinteger(L, ((const int64_t *)column->values)[row]); break;
    // > lua_pushnumber: Pushes a float with value n onto the stack. (1.0 stays a float.)
    case SG_FLOAT: lua_pushnumber(L, ((const double *)column->values)[row]); break;
    case SG_BOOLEAN: lua_pushboolean(L, ((const bool *)column->values)[row]); break;
    case SG_DATE: {
      char text[32];
      size_t length = iso_date(((const int32_t *)column->values)[row], text);
      lua_pushlstring(L, text, length);
      break;
    }
    // The code's text, interned with the field names: no string is made per record.
    case SG_CODE:
      lua_rawgeti(L, keys, column->codes + ((const int32_t *)column->values)[row]);
      break;
    default: lua_pushnil(L); break;
  }
}

/// Asks for the cells of `row` before they are needed.
static void prefetch(const sg_column *column, int row) {
  __builtin_prefetch(column->present + row);
  switch (column->kind) {
    case SG_STRING:
      __builtin_prefetch(column->ends + row);
      __builtin_prefetch(column->bytes + column->ends[row - 1]);
      break;
    case SG_INTEGER: __builtin_prefetch((const int64_t *)column->values + row); break;
    case SG_FLOAT: __builtin_prefetch((const double *)column->values + row); break;
    case SG_BOOLEAN: __builtin_prefetch((const bool *)column->values + row); break;
    default: __builtin_prefetch((const int32_t *)column->values + row); break;
  }
}

/// How many rows ahead to ask for a row's cells: a record reads one cell from each of many
/// columns, more streams than the hardware prefetcher follows.
#define PREFETCH_ROWS 8

void sg_push_row(lua_State *L, const sg_rows *rows, int row, int keys) {
  lua_createtable(L, 0, rows->column_count);
  int ahead = row + PREFETCH_ROWS < rows->batch_rows ? row + PREFETCH_ROWS : -1;
  for (int f = 0; f < rows->column_count; f++) {
    const sg_column *column = &rows->columns[f];
    if (ahead >= 0) prefetch(column, ahead);
    if (!column->present[row]) continue;  // a missing value is an absent field
    lua_rawgeti(L, keys, f + 1);
    sg_push_cell(L, column, row, keys);
    // > lua_rawset [-2, +0, m]: t[k] = v, where t is at the index, v at the top and k below.
    lua_rawset(L, -3);
  }
}
