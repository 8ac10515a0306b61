/*
 * The VFS libcrm opens its databases with: the default VFS, except that
 * the connection's temporary files (sub-journals, temporary databases and
 * their journals) are growable buffers in memory.
 *
 * Why: every call inside crm_begin runs in a savepoint, and a savepoint
 * copies each page it changes into the sub-journal. With
 * temp_store=MEMORY, SQLite keeps that sub-journal in 1 KiB chunks and
 * frees them all at every RELEASE: about ninety allocations a contact,
 * a tenth of its cost in bench/ingest. With temp_store=FILE it keeps the
 * first 64 KiB in one chunk and then writes to a file, which it reuses
 * from offset 0 for the next savepoint instead of truncating it; this VFS
 * makes that file a buffer that keeps its memory until the transaction
 * ends (SQLite closes it then), so no system call and no allocation is
 * made per savepoint.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* a temporary file in memory                                           */

typedef struct {
  sqlite3_file base;
  char *data;
  sqlite3_int64 size, capacity;
} mem_file;

static int mem_close(sqlite3_file *f)
{
  g_free(((mem_file *)f)->data);
  return SQLITE_OK;
}

static int mem_read(sqlite3_file *f, void *buf, int amount, sqlite3_int64 offset)
{
  mem_file *m = (mem_file *)f;
  sqlite3_int64 available = offset < m->size ? m->size - offset : 0;
  if (available >= amount) {
    memcpy(buf, m->data + offset, (size_t)amount);
    return SQLITE_OK;
  }
  /* a short read fills the rest with zeros, as the VFS contract asks */
  if (available > 0)
    memcpy(buf, m->data + offset, (size_t)available);
  memset((char *)buf + available, 0, (size_t)(amount - available));
  return SQLITE_IOERR_SHORT_READ;
}

static int mem_write(sqlite3_file *f, const void *buf, int amount, sqlite3_int64 offset)
{
  mem_file *m = (mem_file *)f;
  sqlite3_int64 end = offset + amount;
  if (end > m->capacity) {
    sqlite3_int64 capacity = m->capacity ? m->capacity : 64 * 1024;
    while (capacity < end)
      capacity *= 2;
    char *data = g_try_realloc(m->data, (gsize)capacity);
    if (data == NULL)
      return SQLITE_IOERR_NOMEM;
    m->data = data;
    m->capacity = capacity;
  }
  if (offset > m->size)
    memset(m->data + m->size, 0, (size_t)(offset - m->size));
  memcpy(m->data + offset, buf, (size_t)amount);
  if (end > m->size)
    m->size = end;
  return SQLITE_OK;
}

static int mem_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  mem_file *m = (mem_file *)f;
  if (size < m->size)
    m->size = size; /* the memory stays for the next savepoint */
  return SQLITE_OK;
}

static int mem_sync(sqlite3_file *f, int flags)
{
  (void)f;
  (void)flags;
  return SQLITE_OK;
}

static int mem_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
  *size = ((mem_file *)f)->size;
  return SQLITE_OK;
}

/* Private to one connection: there is nothing to lock. */
static int mem_lock(sqlite3_file *f, int level)
{
  (void)f;
  (void)level;
  return SQLITE_OK;
}

static int mem_check_reserved_lock(sqlite3_file *f, int *out)
{
  (void)f;
  *out = 0;
  return SQLITE_OK;
}

static int mem_file_control(sqlite3_file *f, int op, void *arg)
{
  (void)f;
  (void)op;
  (void)arg;
  return SQLITE_NOTFOUND;
}

static int mem_sector_size(sqlite3_file *f)
{
  (void)f;
  return 512;
}

static int mem_device_characteristics(sqlite3_file *f)
{
  (void)f;
  return SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL | SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static const sqlite3_io_methods mem_methods = {
    .iVersion = 1,
    .xClose = mem_close,
    .xRead = mem_read,
    .xWrite = mem_write,
    .xTruncate = mem_truncate,
    .xSync = mem_sync,
    .xFileSize = mem_file_size,
    .xLock = mem_lock,
    .xUnlock = mem_lock,
    .xCheckReservedLock = mem_check_reserved_lock,
    .xFileControl = mem_file_control,
    .xSectorSize = mem_sector_size,
    .xDeviceCharacteristics = mem_device_characteristics,
};

/* ------------------------------------------------------------------ */
/* the VFS: the default one, temporary files aside                      */

#define TEMPORARY_FILES                                                      \
  (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TEMP_DB | \
   SQLITE_OPEN_TRANSIENT_DB)

static sqlite3_vfs *base_vfs;
static sqlite3_vfs crm_vfs;

static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                    int *out_flags)
{
  (void)vfs;
  if (flags & TEMPORARY_FILES) {
    mem_file *m = (mem_file *)file;
    memset(m, 0, sizeof *m);
    m->base.pMethods = &mem_methods;
    if (out_flags)
      *out_flags = flags;
    return SQLITE_OK;
  }
  return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  (void)vfs;
  return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  (void)vfs;
  return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  (void)vfs;
  return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static void *vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
  (void)vfs;
  return base_vfs->xDlOpen(base_vfs, name);
}

static void vfs_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
  (void)vfs;
  base_vfs->xDlError(base_vfs, n, out);
}

static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void)
{
  (void)vfs;
  return base_vfs->xDlSym(base_vfs, handle, symbol);
}

static void vfs_dl_close(sqlite3_vfs *vfs, void *handle)
{
  (void)vfs;
  base_vfs->xDlClose(base_vfs, handle);
}

static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
  (void)vfs;
  return base_vfs->xRandomness(base_vfs, n, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds)
{
  (void)vfs;
  return base_vfs->xSleep(base_vfs, microseconds);
}

static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
  (void)vfs;
  return base_vfs->xCurrentTime(base_vfs, out);
}

static int vfs_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
  (void)vfs;
  return base_vfs->xGetLastError ? base_vfs->xGetLastError(base_vfs, n, out) : 0;
}

static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  (void)vfs;
  return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

static gpointer register_vfs(gpointer unused)
{
  (void)unused;
  base_vfs = sqlite3_vfs_find(NULL);
  if (base_vfs == NULL || base_vfs->iVersion < 2)
    return NULL;
  crm_vfs = (sqlite3_vfs){
      .iVersion = 2,
      .szOsFile = MAX(base_vfs->szOsFile, (int)sizeof(mem_file)),
      .mxPathname = base_vfs->mxPathname,
      .zName = "libcrm",
      .xOpen = vfs_open,
      .xDelete = vfs_delete,
      .xAccess = vfs_access,
      .xFullPathname = vfs_full_pathname,
      .xDlOpen = vfs_dl_open,
      .xDlError = vfs_dl_error,
      .xDlSym = vfs_dl_sym,
      .xDlClose = vfs_dl_close,
      .xRandomness = vfs_randomness,
      .xSleep = vfs_sleep,
      .xCurrentTime = vfs_current_time,
      .xGetLastError = vfs_get_last_error,
      .xCurrentTimeInt64 = vfs_current_time_int64,
  };
  return sqlite3_vfs_register(&crm_vfs, 0) == SQLITE_OK ? (gpointer) "libcrm" : NULL;
}

const char *crm__sqlite_vfs(void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once(&once, register_vfs, NULL);
}
