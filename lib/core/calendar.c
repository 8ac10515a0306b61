/*
 * Business calendars: pure time arithmetic over GLib's GTimeZone.
 *
 * The model. Local wall-clock time is counted in "local seconds" (the UTC
 * epoch arithmetic applied to the wall clock), so local day D is
 * [D * 86400, (D + 1) * 86400) in local seconds. Each local day's business
 * time is the union, clipped to the day, of its own intervals (openings of
 * the date, else the weekday's hours) and of the previous date's intervals
 * that run past midnight, minus the date's breaks; a holiday has none and
 * owns none. Wall-clock times convert to UTC by the rules of calendar.h.
 *
 * Speed. Most days are "regular": not a holiday, opening or break date (nor
 * the day after one, when something runs past midnight) and not next to a
 * time-zone transition. A
 * run of regular days has one UTC offset and follows the weekly template, so
 * business time over it is a closed formula (whole weeks times the weekly
 * total plus a prefix sum inside the week) and its inverse is a binary search
 * over at most a week of intervals. Only irregular days are walked one by one.
 *
 * Time zones. GLib's interval lookup is a linear scan, so each zone's offset
 * changes between 1900 and 2200 are extracted once per process into a sorted
 * table (binary search). Outside that window lookups ask GLib directly (and
 * find the regular run around an instant by searching GLib's intervals):
 * slower, same answers.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DAY          86400
#define MINUTE       60
#define MIN_TIME     (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define MAX_TIME     253402300799LL   /* 9999-12-31T23:59:59Z */
#define MIN_DAY      (-719162LL)      /* 0001-01-01 */
#define MAX_DAY      2932896LL        /* 9999-12-31 */
#define CAP_DAYS     3660             /* give up after 10 years of closed days */
#define TABLE_LO     (-2208988800LL)  /* 1900-01-01T00:00:00Z */
#define TABLE_HI     7258118400LL     /* 2200-01-01T00:00:00Z */
#define TABLE_MARGIN 3                /* days kept irregular at the table's edges */
#define PROBE        (2 * DAY)        /* how far apart a gap's two offsets are read */
#define ALWAYS_OPEN  "24x7"

static gint64 floor_div(gint64 a, gint64 b)
{
  gint64 q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* 0 = Monday .. 6 = Sunday (1970-01-01, day 0, was a Thursday). */
static int weekday_of(gint64 day)
{
  return (int)(day + 3 - floor_div(day + 3, 7) * 7);
}

/* ------------------------------------------------------------------ */
/* time zones: offset table built once per zone and process             */

typedef struct {
  GTimeZone *tz;
  gint64 *when;  /* UTC instants at which the offset changes, ascending */
  gint32 *after; /* after[i]: offset from when[i]; `first` before when[0] */
  guint n;
  gint32 first;
  gint32 *odd_lo, *odd_hi; /* per change: the local days next to it */
} zone;

G_LOCK_DEFINE_STATIC(zones);
static GHashTable *zones; /* name -> zone*, kept for the process */

static gint32 glib_offset(GTimeZone *tz, gint64 utc)
{
  return g_time_zone_get_offset(tz, g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, utc));
}

/* The number of changes at or before utc (inside the table). */
static guint zone_index(const zone *z, gint64 utc)
{
  guint lo = 0, hi = z->n;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (z->when[mid] <= utc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int in_table(gint64 utc)
{
  return utc >= TABLE_LO && utc < TABLE_HI;
}

static gint32 regime_offset(const zone *z, guint k)
{
  return k == 0 ? z->first : z->after[k - 1];
}

/* The odd days nearest to regime k (the time between change k-1 and change
   k): the last one before it and the first one after it, clamped to the
   table. */
static gint64 zone_prev_odd(const zone *z, guint k)
{
  gint64 edge = floor_div(TABLE_LO, DAY) + TABLE_MARGIN - 1;
  return k > 0 ? MAX(edge, z->odd_hi[k - 1]) : edge;
}

static gint64 zone_next_odd(const zone *z, guint k)
{
  gint64 edge = floor_div(TABLE_HI, DAY) - TABLE_MARGIN;
  return k < z->n ? MIN(edge, z->odd_lo[k]) : edge;
}

/* Walking from `from` towards `limit` (either direction), the first
   instant whose GLib interval differs from from's; limit + dir when none.
   Exponential, then binary search (GLib's lookup is a linear scan). */
static gint64 interval_edge(GTimeZone *tz, gint64 from, gint64 limit, int dir)
{
  int idx = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, from);
  if (g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, limit) == idx)
    return limit + dir;
  gint64 in = from, step = DAY;
  while ((limit - in) * dir > step &&
         g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, in + dir * step) == idx) {
    in += dir * step;
    step *= 2;
  }
  gint64 out = (limit - in) * dir > step ? in + dir * step : limit; /* differs at out */
  while ((out - in) * dir > 1) {
    gint64 mid = in + (out - in) / 2;
    if (g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, mid) == idx)
      in = mid;
    else
      out = mid;
  }
  return out;
}

/* Days near a change are "odd": walked one by one with the full rules. A
   day either side is enough: a regular day's conversions only touch its own
   local times, and a regular run's edges stay a day away from any change. */
static void zone_mark_odd_days(zone *z)
{
  z->odd_lo = g_new(gint32, z->n + 1);
  z->odd_hi = g_new(gint32, z->n + 1);
  for (guint i = 0; i < z->n; i++) {
    gint32 before = i == 0 ? z->first : z->after[i - 1];
    gint32 lo_off = MIN(before, z->after[i]), hi_off = MAX(before, z->after[i]);
    z->odd_lo[i] = (gint32)(floor_div(z->when[i] + lo_off, DAY) - 1);
    z->odd_hi[i] = (gint32)(floor_div(z->when[i] + hi_off, DAY) + 1);
  }
}

static zone *zone_build(GTimeZone *tz)
{
  zone *z = g_new0(zone, 1);
  z->tz = tz;
  GArray *when = g_array_new(FALSE, FALSE, sizeof(gint64));
  GArray *after = g_array_new(FALSE, FALSE, sizeof(gint32));
  z->first = glib_offset(tz, TABLE_LO);
  gint32 current = z->first;
  gint64 t = TABLE_LO;
  for (;;) {
    t = interval_edge(tz, t, TABLE_HI - 1, 1);
    if (t >= TABLE_HI)
      break;
    gint32 off = glib_offset(tz, t);
    if (off != current) { /* GLib also splits intervals on abbreviation changes */
      g_array_append_val(when, t);
      g_array_append_val(after, off);
      current = off;
    }
  }
  z->n = when->len;
  z->when = (gint64 *)g_array_free(when, FALSE);
  z->after = (gint32 *)g_array_free(after, FALSE);
  zone_mark_odd_days(z);
  return z;
}

/* The shared table of a zone, or NULL (error recorded) for an unknown name. */
static const zone *zone_get(const char *name)
{
  G_LOCK(zones);
  if (zones == NULL)
    zones = g_hash_table_new(g_str_hash, g_str_equal);
  zone *z = g_hash_table_lookup(zones, name);
  if (z == NULL) {
    GTimeZone *tz = g_time_zone_new_identifier(name);
    if (tz != NULL) {
      z = zone_build(tz);
      g_hash_table_insert(zones, g_strdup(name), z);
    }
  }
  G_UNLOCK(zones);
  if (z == NULL) {
    char *q = crm__quote(name);
    crm__error(CRM_EINVALID, "time zone %s is not a known IANA time-zone name (or \"24x7\")", q);
    g_free(q);
  }
  return z;
}

/*
 * Local seconds -> UTC. Normal times have one answer. In a spring-forward
 * gap neither offset fits: use the offset before the gap (02:30 -> 03:30).
 * In a fall-back overlap both fit: take the earlier instant (the first,
 * daylight-saving occurrence).
 *
 * Inside the table: walk the regimes from one surely before the answer
 * (offsets are within a day); the first regime whose end the candidate does
 * not pass decides. Outside it: read GLib's offsets two days either side.
 */
static gint64 zone_to_utc(const zone *z, gint64 local)
{
  if (in_table(local - PROBE) && in_table(local + PROBE)) {
    for (guint k = zone_index(z, local - PROBE);; k++) {
      gint64 u = local - regime_offset(z, k);
      if (k < z->n && u >= z->when[k])
        continue; /* past regime k's end: a later regime */
      if (k > 0 && u < z->when[k - 1])
        return local - regime_offset(z, k - 1); /* a gap: shifted forward */
      return u;
    }
  }
  gint32 early = glib_offset(z->tz, local - PROBE), late = glib_offset(z->tz, local + PROBE);
  gint64 u1 = local - early, u2 = local - late;
  int ok1 = glib_offset(z->tz, u1) == early;
  if (early == late) {
    if (ok1)
      return u1;
    gint64 u3 = local - glib_offset(z->tz, u1); /* two changes within the probe */
    return glib_offset(z->tz, u3) == local - u3 ? u3 : u1;
  }
  int ok2 = glib_offset(z->tz, u2) == late;
  if (ok1 && ok2)
    return MIN(u1, u2);
  if (ok2)
    return u2;
  return u1; /* valid, or a gap: shifted by the offset before it */
}

/* ------------------------------------------------------------------ */
/* the calendar                                                         */

typedef struct {
  gint32 day;        /* local day number; weekday 0..6 in `weekly` */
  gint32 start, end; /* minutes */
} dated;

typedef struct {
  gint32 day;
  char *name;
} holiday;

typedef struct {
  gint64 a, b; /* seconds */
} span;

struct crm_calendar {
  char *tz_name;
  const zone *zone; /* NULL: 24x7 */
  GArray *weekly;   /* dated (day = weekday 0..6), sorted, merged */
  GArray *holidays; /* holiday, sorted by day, unique */
  GArray *openings; /* dated, sorted, merged per day */
  GArray *breaks;   /* dated, sorted, merged per day */
  GArray *special;  /* gint32 days that are irregular because of the above */
  int spills;       /* some weekly interval runs past midnight */
  /* the regular week, in local seconds from Monday 00:00 */
  GArray *week;   /* span */
  GArray *prefix; /* gint64: business seconds before week[k] */
  gint64 week_secs;
};

static void holiday_clear(gpointer p)
{
  g_free(((holiday *)p)->name);
}

crm_status crm_calendar_new(crm_calendar **out, const char *iana_tz)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  *out = NULL;
  CRM__TRY(crm__check_text(iana_tz, "time zone", 1));
  const zone *z = NULL;
  if (strcmp(iana_tz, ALWAYS_OPEN) != 0) {
    z = zone_get(iana_tz);
    if (z == NULL)
      return CRM_EINVALID;
  }
  crm_calendar *cal = g_new0(crm_calendar, 1);
  cal->tz_name = g_strdup(iana_tz);
  cal->zone = z;
  cal->weekly = g_array_new(FALSE, FALSE, sizeof(dated));
  cal->holidays = g_array_new(FALSE, FALSE, sizeof(holiday));
  g_array_set_clear_func(cal->holidays, holiday_clear);
  cal->openings = g_array_new(FALSE, FALSE, sizeof(dated));
  cal->breaks = g_array_new(FALSE, FALSE, sizeof(dated));
  cal->special = g_array_new(FALSE, FALSE, sizeof(gint32));
  cal->week = g_array_new(FALSE, FALSE, sizeof(span));
  cal->prefix = g_array_new(FALSE, FALSE, sizeof(gint64));
  *out = cal;
  return CRM_OK;
}

void crm_calendar_free(crm_calendar *cal)
{
  if (cal == NULL)
    return;
  g_free(cal->tz_name);
  g_array_free(cal->weekly, TRUE);
  g_array_free(cal->holidays, TRUE);
  g_array_free(cal->openings, TRUE);
  g_array_free(cal->breaks, TRUE);
  g_array_free(cal->special, TRUE);
  g_array_free(cal->week, TRUE);
  g_array_free(cal->prefix, TRUE);
  g_free(cal);
}

const char *crm_calendar_timezone(const crm_calendar *cal)
{
  return cal ? cal->tz_name : NULL;
}

/* ---- sorted arrays --------------------------------------------------- */

/* Index of the first element of `arr` (dated or holiday, both start with a
   gint32 day) whose day is >= day. */
static guint lower_bound_day(const GArray *arr, gint32 day)
{
  guint lo = 0, hi = arr->len;
  guint size = g_array_get_element_size((GArray *)arr);
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (*(const gint32 *)(arr->data + (gsize)mid * size) < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int has_day(const GArray *arr, gint32 day)
{
  guint i = lower_bound_day(arr, day);
  return i < arr->len &&
         *(const gint32 *)(arr->data + (gsize)i * g_array_get_element_size((GArray *)arr)) == day;
}

/* Insert [start, end) for `day`, merging with overlapping or touching spans
   of the same day. */
static void dated_insert(GArray *arr, gint32 day, gint32 start, gint32 end)
{
  guint i = lower_bound_day(arr, day);
  while (i < arr->len && g_array_index(arr, dated, i).day == day &&
         g_array_index(arr, dated, i).start < start)
    i++;
  dated d = {day, start, end};
  g_array_insert_val(arr, i, d);
  /* merge backwards into the previous span, then swallow the following ones */
  if (i > 0) {
    dated *prev = &g_array_index(arr, dated, i - 1);
    if (prev->day == day && prev->end >= start) {
      prev->end = MAX(prev->end, end);
      g_array_remove_index(arr, i);
      i--;
    }
  }
  dated *cur = &g_array_index(arr, dated, i);
  while (i + 1 < arr->len && g_array_index(arr, dated, i + 1).day == day &&
         g_array_index(arr, dated, i + 1).start <= cur->end) {
    cur->end = MAX(cur->end, g_array_index(arr, dated, i + 1).end);
    g_array_remove_index(arr, i + 1);
    cur = &g_array_index(arr, dated, i);
  }
}

static void special_insert(GArray *special, gint32 day)
{
  guint lo = 0, hi = special->len;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (g_array_index(special, gint32, mid) < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < special->len && g_array_index(special, gint32, lo) == day)
    return;
  g_array_insert_val(special, lo, day);
}

/* ---- argument checks -------------------------------------------------- */

static crm_status check_editable(const crm_calendar *cal)
{
  CRM__TRY(crm__check_ptr(cal, "calendar"));
  if (cal->zone == NULL)
    return crm__error(CRM_EINVALID, "a \"24x7\" calendar is always open: it takes no hours, "
                                    "holidays, openings or breaks");
  return CRM_OK;
}

static crm_status check_minutes(int start_minute, int end_minute, int max_end)
{
  if (start_minute < 0 || start_minute > 1439)
    return crm__error(CRM_EINVALID, "start minute %d is out of range (0..1439)", start_minute);
  if (end_minute <= start_minute)
    return crm__error(CRM_EINVALID, "end minute %d is not after start minute %d", end_minute,
                      start_minute);
  if (end_minute > max_end)
    return crm__error(CRM_EINVALID, "end minute %d is out of range (up to %d)", end_minute,
                      max_end);
  return CRM_OK;
}

/* Parse exactly "YYYY-MM-DD" (a real date, years 0001..9999) into a day
   number (days since 1970-01-01). */
static crm_status parse_date(gint32 *day, const char *s)
{
  CRM__TRY(crm__check_text(s, "date", 1));
  int ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
  for (int i = 0; ok && i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
      ok = 0;
  int y = ok ? atoi(s) : 0, m = ok ? atoi(s + 5) : 0, d = ok ? atoi(s + 8) : 0;
  if (!ok || y < 1 || m < 1 || m > 12 || d < 1 ||
      d > g_date_get_days_in_month((GDateMonth)m, (GDateYear)y)) {
    char *q = crm__quote(s);
    crm__error(CRM_EINVALID, "date %s is not a valid YYYY-MM-DD date", q);
    g_free(q);
    return CRM_EINVALID;
  }
  GDate date;
  g_date_clear(&date, 1);
  g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
  *day = (gint32)((gint64)g_date_get_julian(&date) - 719163); /* julian(1970-01-01) */
  return CRM_OK;
}

/* ---- the regular week --------------------------------------------------- */

/* Rebuild the weekly template: per weekday, its own hours clipped to the
   day plus the previous weekday's overnight spill, as week seconds. */
static void rebuild_week(crm_calendar *cal)
{
  g_array_set_size(cal->week, 0);
  g_array_set_size(cal->prefix, 0);
  gint64 total = 0;
  for (int wd = 0; wd < 7; wd++) {
    GArray *day = g_array_new(FALSE, FALSE, sizeof(dated));
    for (guint i = 0; i < cal->weekly->len; i++) {
      dated h = g_array_index(cal->weekly, dated, i);
      if (h.day == wd)
        dated_insert(day, 0, h.start, MIN(h.end, 1440));
      else if (h.day == (wd + 6) % 7 && h.end > 1440)
        dated_insert(day, 0, 0, h.end - 1440);
    }
    for (guint i = 0; i < day->len; i++) {
      dated h = g_array_index(day, dated, i);
      span s = {(gint64)wd * DAY + h.start * MINUTE, (gint64)wd * DAY + h.end * MINUTE};
      span *last = cal->week->len ? &g_array_index(cal->week, span, cal->week->len - 1) : NULL;
      if (last != NULL && last->b == s.a) {
        last->b = s.b; /* one span across midnight */
      } else {
        g_array_append_val(cal->week, s);
        g_array_append_val(cal->prefix, total);
      }
      total += s.b - s.a;
    }
    g_array_free(day, TRUE);
  }
  cal->week_secs = total;
}

/* Business seconds of the regular pattern from a fixed Monday to local
   instant p. */
static gint64 regular_business_at(const crm_calendar *cal, gint64 p)
{
  gint64 week = floor_div(floor_div(p, DAY) + 3, 7);
  gint64 q = p - (week * 7 - 3) * DAY;
  const span *w = (const span *)cal->week->data;
  guint lo = 0, hi = cal->week->len; /* count of spans starting <= q */
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (w[mid].a <= q)
      lo = mid + 1;
    else
      hi = mid;
  }
  gint64 in_week = 0;
  if (lo > 0)
    in_week = g_array_index(cal->prefix, gint64, lo - 1) +
              MIN(q - w[lo - 1].a, w[lo - 1].b - w[lo - 1].a);
  return week * cal->week_secs + in_week;
}

/* The local instant at which the regular pattern reaches x business
   seconds: the earliest such instant, or with `latest` the last one (the
   next opening when x falls on a closed stretch). Needs week_secs > 0. */
static gint64 regular_instant_at(const crm_calendar *cal, gint64 x, int latest)
{
  gint64 week = latest ? floor_div(x, cal->week_secs) : floor_div(x - 1, cal->week_secs);
  gint64 r = x - week * cal->week_secs; /* latest: [0, ws); earliest: (0, ws] */
  const span *w = (const span *)cal->week->data;
  const gint64 *pre = (const gint64 *)cal->prefix->data;
  guint lo = 0, hi = cal->week->len - 1; /* first span whose end reaches r */
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    gint64 end = pre[mid] + (w[mid].b - w[mid].a);
    if (latest ? end > r : end >= r)
      hi = mid;
    else
      lo = mid + 1;
  }
  return (week * 7 - 3) * DAY + w[lo].a + (r - pre[lo]);
}

/* ---- days ---------------------------------------------------------------- */

/* 1 if local day `day` is far from any change (then *offset is its
   offset); utc is any instant within a day of it. */
static int zone_day_fixed(const zone *z, gint64 day, gint64 utc, gint32 *offset)
{
  if (!in_table(utc))
    return 0;
  guint k = zone_index(z, utc);
  *offset = regime_offset(z, k);
  return zone_prev_odd(z, k) < day && day < zone_next_odd(z, k);
}

/* Where an instant falls: its local day and, when that day is regular, the
   regular run [run_first, run_end) of days around it and the run's offset. */
typedef struct {
  gint64 day;
  int regular;
  gint32 offset;
  gint64 run_first, run_end;
} where;

static gint64 day_start(const crm_calendar *cal, gint64 day);

static where locate(const crm_calendar *cal, gint64 utc)
{
  const zone *z = cal->zone;
  where w = {0, 0, 0, 0, 0};
  gint32 off;
  gint64 prev_odd, next_odd;
  if (in_table(utc)) {
    guint k = zone_index(z, utc);
    off = regime_offset(z, k);
    prev_odd = zone_prev_odd(z, k);
    next_odd = zone_next_odd(z, k);
  } else { /* ask GLib for the interval around utc (offsets differ by <= a day) */
    off = glib_offset(z->tz, utc);
    gint64 begin = interval_edge(z->tz, utc, MIN_TIME, -1) + 1;
    gint64 end = interval_edge(z->tz, utc, MAX_TIME, 1);
    prev_odd = begin <= MIN_TIME ? MIN_DAY - 2 : floor_div(begin + off, DAY) + 2;
    next_odd = end > MAX_TIME ? MAX_DAY + 2 : floor_div(end + off, DAY) - 2;
  }
  w.day = floor_div(utc + off, DAY);
  if (w.day <= prev_odd || w.day >= next_odd) {
    while (utc < day_start(cal, w.day)) /* near a change: by the full rules */
      w.day--;
    while (utc >= day_start(cal, w.day + 1))
      w.day++;
    return w;
  }
  const GArray *sp = cal->special;
  guint i = lower_bound_day(sp, (gint32)w.day);
  if (i < sp->len && g_array_index(sp, gint32, i) == w.day)
    return w;
  w.regular = 1;
  w.offset = off;
  w.run_end = i < sp->len ? MIN(next_odd, g_array_index(sp, gint32, i)) : next_odd;
  w.run_first = (i > 0 ? MAX(prev_odd, g_array_index(sp, gint32, i - 1)) : prev_odd) + 1;
  return w;
}

/* Converts wall-clock times of one day: a fixed offset away from
   transitions, the full rules near one. */
typedef struct {
  const zone *z;
  int fixed;
  gint32 offset;
} converter;

static converter converter_for(const crm_calendar *cal, gint64 day)
{
  converter c = {cal->zone, 0, 0};
  c.fixed = zone_day_fixed(cal->zone, day, day * DAY, &c.offset);
  return c;
}

static gint64 convert(const converter *c, gint64 local)
{
  return c->fixed ? local - c->offset : zone_to_utc(c->z, local);
}

static gint64 day_start(const crm_calendar *cal, gint64 day)
{
  gint32 off;
  if (zone_day_fixed(cal->zone, day, day * DAY, &off))
    return day * DAY - off;
  return zone_to_utc(cal->zone, day * DAY);
}

/* A small growable list of spans with inline storage. */
typedef struct {
  span *v;
  guint len, cap;
  span inline_v[16];
} spans;

static void spans_init(spans *s)
{
  s->v = s->inline_v;
  s->len = 0;
  s->cap = G_N_ELEMENTS(s->inline_v);
}

static void spans_clear(spans *s)
{
  if (s->v != s->inline_v)
    g_free(s->v);
}

static void spans_push(spans *s, gint64 a, gint64 b)
{
  if (s->len == s->cap) {
    span *bigger = g_new(span, s->cap * 2);
    memcpy(bigger, s->v, s->len * sizeof(span));
    spans_clear(s);
    s->v = bigger;
    s->cap *= 2;
  }
  s->v[s->len++] = (span){a, b};
}

/* The intervals owned by `day` (its openings, else its weekday's hours),
   or an empty range for a holiday; [*first, *last) into *arr. */
static const GArray *owned_intervals(const crm_calendar *cal, gint64 day, guint *first, guint *last)
{
  const GArray *arr = cal->openings;
  gint32 key = (gint32)day;
  if (has_day(cal->holidays, key)) {
    *first = *last = 0;
    return arr;
  }
  if (!has_day(cal->openings, key)) {
    arr = cal->weekly;
    key = (gint32)weekday_of(day);
  }
  *first = *last = lower_bound_day(arr, key);
  while (*last < arr->len && g_array_index(arr, dated, *last).day == key)
    (*last)++;
  return arr;
}

/* Convert the owned intervals of `owner` that reach into [lo, hi) and add
   their clipped parts. */
static void add_owned(spans *out, const crm_calendar *cal, const converter *c, gint64 owner,
                      gint64 lo, gint64 hi)
{
  guint first, last;
  const GArray *arr = owned_intervals(cal, owner, &first, &last);
  for (guint i = first; i < last; i++) {
    dated h = g_array_index(arr, dated, i);
    gint64 a = convert(c, owner * DAY + h.start * MINUTE);
    gint64 b = convert(c, owner * DAY + h.end * MINUTE);
    a = MAX(a, lo);
    b = MIN(b, hi);
    if (a < b)
      spans_push(out, a, b);
  }
}

static void spans_sort_merge(spans *s)
{
  for (guint i = 1; i < s->len; i++) /* insertion sort: a handful of spans */
    for (guint j = i; j > 0 && s->v[j - 1].a > s->v[j].a; j--) {
      span t = s->v[j];
      s->v[j] = s->v[j - 1];
      s->v[j - 1] = t;
    }
  guint kept = 0;
  for (guint i = 0; i < s->len; i++) {
    if (kept > 0 && s->v[i].a <= s->v[kept - 1].b)
      s->v[kept - 1].b = MAX(s->v[kept - 1].b, s->v[i].b);
    else
      s->v[kept++] = s->v[i];
  }
  s->len = kept;
}

static void spans_remove(spans *s, gint64 a, gint64 b)
{
  if (a >= b)
    return;
  for (guint i = 0; i < s->len; i++) {
    span cur = s->v[i];
    if (cur.b <= a || cur.a >= b)
      continue;
    if (cur.a < a && cur.b > b) { /* split in two */
      s->v[i].b = a;
      spans_push(s, b, cur.b);
      spans_sort_merge(s);
      return;
    }
    if (cur.a < a)
      s->v[i].b = a;
    else if (cur.b > b)
      s->v[i].a = b;
    else
      s->v[i].a = s->v[i].b; /* emptied; dropped below */
  }
  guint kept = 0;
  for (guint i = 0; i < s->len; i++)
    if (s->v[i].a < s->v[i].b)
      s->v[kept++] = s->v[i];
  s->len = kept;
}

/* The business intervals (UTC, sorted, disjoint) of local day `day`. */
static void day_spans(spans *out, const crm_calendar *cal, gint64 day)
{
  out->len = 0;
  if (has_day(cal->holidays, (gint32)day))
    return;
  converter c = converter_for(cal, day);
  gint64 lo = convert(&c, day * DAY), hi = convert(&c, (day + 1) * DAY);
  add_owned(out, cal, &c, day - 1, lo, hi);
  add_owned(out, cal, &c, day, lo, hi);
  spans_sort_merge(out);
  for (guint i = lower_bound_day(cal->breaks, (gint32)day);
       i < cal->breaks->len && g_array_index(cal->breaks, dated, i).day == day; i++) {
    dated br = g_array_index(cal->breaks, dated, i);
    spans_remove(out, convert(&c, day * DAY + br.start * MINUTE),
                 convert(&c, day * DAY + br.end * MINUTE));
  }
}

/* ---- building ------------------------------------------------------------ */

crm_status crm_calendar_add_hours(crm_calendar *cal, int iso_weekday, int start_minute,
                                  int end_minute)
{
  CRM__TRY(check_editable(cal));
  if (iso_weekday < 1 || iso_weekday > 7)
    return crm__error(CRM_EINVALID, "weekday %d is out of range (1 = Monday .. 7 = Sunday)",
                      iso_weekday);
  CRM__TRY(check_minutes(start_minute, end_minute, 2880));
  dated_insert(cal->weekly, iso_weekday - 1, start_minute, end_minute);
  rebuild_week(cal);
  if (end_minute > 1440 && !cal->spills) {
    /* from now on the day after a holiday differs from the template too */
    cal->spills = 1;
    for (guint i = 0; i < cal->holidays->len; i++)
      special_insert(cal->special, g_array_index(cal->holidays, holiday, i).day + 1);
  }
  return CRM_OK;
}

crm_status crm_calendar_add_holiday(crm_calendar *cal, const char *yyyy_mm_dd, const char *name)
{
  CRM__TRY(check_editable(cal));
  gint32 day;
  CRM__TRY(parse_date(&day, yyyy_mm_dd));
  CRM__TRY(crm__check_text(name, "holiday name", 0));
  guint i = lower_bound_day(cal->holidays, day);
  if (i < cal->holidays->len && g_array_index(cal->holidays, holiday, i).day == day) {
    holiday *h = &g_array_index(cal->holidays, holiday, i);
    g_free(h->name);
    h->name = g_strdup(name);
    return CRM_OK;
  }
  holiday h = {day, g_strdup(name)};
  g_array_insert_val(cal->holidays, i, h);
  special_insert(cal->special, day);
  if (cal->spills)
    special_insert(cal->special, day + 1); /* its overnight spill is gone too */
  return CRM_OK;
}

/* Openings and breaks: a dated wall-clock range. */
static crm_status add_dated(crm_calendar *cal, GArray *arr, const char *yyyy_mm_dd,
                            int start_minute, int end_minute, int max_end)
{
  CRM__TRY(check_editable(cal));
  gint32 day;
  CRM__TRY(parse_date(&day, yyyy_mm_dd));
  CRM__TRY(check_minutes(start_minute, end_minute, max_end));
  dated_insert(arr, day, start_minute, end_minute);
  special_insert(cal->special, day);
  if (max_end > 1440) /* openings: the next day loses this day's weekly spill */
    special_insert(cal->special, day + 1);
  return CRM_OK;
}

crm_status crm_calendar_add_opening(crm_calendar *cal, const char *yyyy_mm_dd, int start_minute,
                                    int end_minute)
{
  return add_dated(cal, cal ? cal->openings : NULL, yyyy_mm_dd, start_minute, end_minute, 2880);
}

crm_status crm_calendar_add_break(crm_calendar *cal, const char *yyyy_mm_dd, int start_minute,
                                  int end_minute)
{
  return add_dated(cal, cal ? cal->breaks : NULL, yyyy_mm_dd, start_minute, end_minute, 1440);
}

/* ---- questions ----------------------------------------------------------- */

static int has_any_hours(const crm_calendar *cal)
{
  return cal->zone == NULL || cal->weekly->len > 0 || cal->openings->len > 0;
}

static crm_status no_hours(const crm_calendar *cal, const char *direction, gint64 from)
{
  char *tz = crm__quote(cal->tz_name);
  crm__error(CRM_EINVALID,
             "calendar %s has no business hours %s %lld within 10 years of closed days", tz,
             direction, (long long)from);
  g_free(tz);
  return CRM_EINVALID;
}

static crm_status check_duration(int64_t seconds)
{
  if (seconds < 0)
    return crm__error(CRM_EINVALID, "business duration %lld is negative", (long long)seconds);
  return CRM_OK;
}

static crm_status check_result(crm_time *out, gint64 t)
{
  if (t < MIN_TIME || t > MAX_TIME)
    return crm__error(CRM_EINVALID, "the result %lld is out of range (years 1 to 9999)",
                      (long long)t);
  *out = t;
  return CRM_OK;
}

/* Forward search: the instant where n business seconds after t have
   elapsed (n == 0: the first business instant >= t). */
static crm_status walk_forward(crm_time *out, const crm_calendar *cal, gint64 t, gint64 n)
{
  gint64 closed_from = G_MININT64; /* first day of the closed stretch being crossed */
  spans s;
  spans_init(&s);
  crm_status st = CRM_OK;
  for (;;) {
    where w = locate(cal, t);
    if (closed_from == G_MININT64)
      closed_from = w.day;
    if (w.day - closed_from > CAP_DAYS) {
      st = no_hours(cal, "after", t);
      break;
    }
    if (w.day > MAX_DAY) {
      st = crm__error(CRM_EINVALID, "the result is past the year 9999");
      break;
    }
    if (w.regular) {
      gint64 end = MIN(w.run_end, closed_from + CAP_DAYS + 1);
      gint64 here = regular_business_at(cal, t + w.offset);
      gint64 left = regular_business_at(cal, end * DAY) - here;
      if (left > 0) {
        if (n <= left) {
          st = check_result(out, regular_instant_at(cal, here + n, n == 0) - w.offset);
          break;
        }
        n -= left;
        closed_from = end;
      }
      t = end * DAY - w.offset;
      continue;
    }
    day_spans(&s, cal, w.day);
    guint i = 0;
    for (; i < s.len; i++) {
      if (s.v[i].b <= t)
        continue;
      gint64 len = s.v[i].b - MAX(s.v[i].a, t);
      if (n <= len)
        break;
      n -= len;
      closed_from = w.day + 1;
    }
    if (i < s.len) {
      st = check_result(out, MAX(s.v[i].a, t) + n);
      break;
    }
    t = day_start(cal, w.day + 1);
  }
  spans_clear(&s);
  return st;
}

/* Backward search (n > 0): the latest instant with n business seconds
   between it and t. */
static crm_status walk_backward(crm_time *out, const crm_calendar *cal, gint64 t, gint64 n)
{
  gint64 closed_from = G_MAXINT64; /* last day of the closed stretch being crossed */
  spans s;
  spans_init(&s);
  crm_status st = CRM_OK;
  for (;;) {
    where w = locate(cal, t - 1); /* the day holding the time just before t */
    if (closed_from == G_MAXINT64)
      closed_from = w.day;
    if (closed_from - w.day > CAP_DAYS) {
      st = no_hours(cal, "before", t);
      break;
    }
    if (w.day < MIN_DAY) {
      st = crm__error(CRM_EINVALID, "the result is before the year 1");
      break;
    }
    if (w.regular) {
      gint64 begin = MAX(w.run_first, closed_from - CAP_DAYS - 1);
      gint64 here = regular_business_at(cal, t + w.offset);
      gint64 left = here - regular_business_at(cal, begin * DAY);
      if (left > 0) {
        if (n <= left) {
          st = check_result(out, regular_instant_at(cal, here - n, 1) - w.offset);
          break;
        }
        n -= left;
        closed_from = begin - 1;
      }
      t = begin * DAY - w.offset;
      continue;
    }
    day_spans(&s, cal, w.day);
    guint i = s.len;
    for (; i > 0; i--) {
      if (s.v[i - 1].a >= t)
        continue;
      gint64 len = MIN(s.v[i - 1].b, t) - s.v[i - 1].a;
      if (n <= len)
        break;
      n -= len;
      closed_from = w.day - 1;
    }
    if (i > 0) {
      st = check_result(out, MIN(s.v[i - 1].b, t) - n);
      break;
    }
    t = day_start(cal, w.day);
  }
  spans_clear(&s);
  return st;
}

static crm_status check_shift_args(crm_time *out, const crm_calendar *cal, crm_time start,
                                   int64_t business_seconds)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  *out = 0;
  CRM__TRY(crm__check_ptr(cal, "calendar"));
  CRM__TRY(crm__check_time(start, "start"));
  return check_duration(business_seconds);
}

crm_status crm_calendar_add_business(crm_time *out, const crm_calendar *cal, crm_time start,
                                     int64_t business_seconds)
{
  CRM__TRY(check_shift_args(out, cal, start, business_seconds));
  if (cal->zone == NULL) {
    if (business_seconds > MAX_TIME - start)
      return check_result(out, MAX_TIME + 1);
    return check_result(out, start + business_seconds);
  }
  if (!has_any_hours(cal))
    return no_hours(cal, "after", start);
  if (business_seconds > MAX_TIME - start) /* business time never outruns real time */
    return check_result(out, MAX_TIME + 1);
  return walk_forward(out, cal, start, business_seconds);
}

crm_status crm_calendar_subtract_business(crm_time *out, const crm_calendar *cal, crm_time start,
                                          int64_t business_seconds)
{
  CRM__TRY(check_shift_args(out, cal, start, business_seconds));
  if (business_seconds == 0) {
    *out = start;
    return CRM_OK;
  }
  if (cal->zone == NULL) {
    if (business_seconds > start - MIN_TIME)
      return check_result(out, MIN_TIME - 1);
    return check_result(out, start - business_seconds);
  }
  if (!has_any_hours(cal))
    return no_hours(cal, "before", start);
  if (business_seconds > start - MIN_TIME)
    return check_result(out, MIN_TIME - 1);
  return walk_backward(out, cal, start, business_seconds);
}

crm_status crm_calendar_business_between(int64_t *out, const crm_calendar *cal, crm_time from,
                                         crm_time to)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  *out = 0;
  CRM__TRY(crm__check_ptr(cal, "calendar"));
  CRM__TRY(crm__check_time(from, "from"));
  CRM__TRY(crm__check_time(to, "to"));
  if (to < from)
    return crm__error(CRM_EINVALID, "to %lld is before from %lld", (long long)to, (long long)from);
  if (cal->zone == NULL) {
    *out = to - from;
    return CRM_OK;
  }
  if (!has_any_hours(cal))
    return CRM_OK;
  gint64 total = 0, t = from;
  spans s;
  spans_init(&s);
  while (t < to) {
    where w = locate(cal, t);
    if (w.regular) {
      /* to's local time is valid when to lies inside the run */
      gint64 stop = MIN(to + w.offset, w.run_end * DAY);
      total += regular_business_at(cal, stop) - regular_business_at(cal, t + w.offset);
      t = w.run_end * DAY - w.offset;
      continue;
    }
    day_spans(&s, cal, w.day);
    for (guint i = 0; i < s.len; i++) {
      gint64 a = MAX(s.v[i].a, t), b = MIN(s.v[i].b, to);
      if (a < b)
        total += b - a;
    }
    t = day_start(cal, w.day + 1);
  }
  spans_clear(&s);
  *out = total;
  return CRM_OK;
}

int crm_calendar_is_open(const crm_calendar *cal, crm_time t)
{
  if (cal == NULL || t < MIN_TIME || t > MAX_TIME)
    return 0;
  if (cal->zone == NULL)
    return 1;
  where w = locate(cal, t);
  if (w.regular) {
    gint64 p = t + w.offset;
    return cal->week_secs > 0 && regular_business_at(cal, p + 1) > regular_business_at(cal, p);
  }
  spans s;
  spans_init(&s);
  day_spans(&s, cal, w.day);
  int open = 0;
  for (guint i = 0; i < s.len && !open; i++)
    open = s.v[i].a <= t && t < s.v[i].b;
  spans_clear(&s);
  return open;
}

/* ------------------------------------------------------------------ */
/* description: the definition calendar_store.c stores                  */

static const char *const weekday_keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static char *date_text(gint32 day)
{
  GDate d;
  g_date_clear(&d, 1);
  g_date_set_julian(&d, (guint32)((gint64)day + 719163));
  return g_strdup_printf("%04d-%02d-%02d", (int)g_date_get_year(&d), (int)g_date_get_month(&d),
                         (int)g_date_get_day(&d));
}

/* Append ["HH:MM", "HH:MM"] to the array member `key` of o (created). */
static void add_range_json(JsonObject *o, const char *key, gint32 start, gint32 end)
{
  if (!json_object_has_member(o, key))
    json_object_set_array_member(o, key, json_array_new());
  JsonArray *r = json_array_new();
  char *s = g_strdup_printf("%02d:%02d", start / 60, start % 60);
  char *e = g_strdup_printf("%02d:%02d", end / 60, end % 60);
  json_array_add_string_element(r, s);
  json_array_add_string_element(r, e);
  g_free(s);
  g_free(e);
  json_array_add_array_element(json_object_get_array_member(o, key), r);
}

static JsonObject *dated_json(const GArray *arr)
{
  JsonObject *o = json_object_new();
  for (guint i = 0; i < arr->len; i++) {
    const dated *h = &g_array_index(arr, dated, i);
    char *date = date_text(h->day);
    add_range_json(o, date, h->start, h->end);
    g_free(date);
  }
  return o;
}

JsonObject *crm__calendar_to_json(const crm_calendar *cal)
{
  if (cal == NULL)
    return NULL;
  JsonObject *o = json_object_new();
  json_object_set_string_member(o, "tz", cal->tz_name);
  if (cal->zone == NULL)
    return o;
  JsonObject *hours = json_object_new();
  for (guint i = 0; i < cal->weekly->len; i++) {
    const dated *h = &g_array_index(cal->weekly, dated, i);
    add_range_json(hours, weekday_keys[h->day], h->start, h->end);
  }
  json_object_set_object_member(o, "hours", hours);
  JsonArray *hol = json_array_new();
  for (guint i = 0; i < cal->holidays->len; i++) {
    const holiday *h = &g_array_index(cal->holidays, holiday, i);
    JsonArray *pair = json_array_new();
    char *date = date_text(h->day);
    json_array_add_string_element(pair, date);
    g_free(date);
    if (h->name)
      json_array_add_string_element(pair, h->name);
    else
      json_array_add_null_element(pair);
    json_array_add_array_element(hol, pair);
  }
  json_object_set_array_member(o, "holidays", hol);
  json_object_set_object_member(o, "special_hours", dated_json(cal->openings));
  json_object_set_object_member(o, "breaks", dated_json(cal->breaks));
  return o;
}
