/*
 * A helpdesk application that embeds Lua 5.4 plugins: how an application
 * written in C lets its administrators script libcrm.
 *
 * The host opens the database in C, starts a Lua state, loads the `crm`
 * module (the SWIG binding), hands its own handle to Lua with
 * crm.wrap_handle (the host keeps ownership) and runs every *.lua file of
 * the plugin directory. Plugins subscribe to events; the host's own libcrm
 * calls then reach them. Errors inside a plugin's callback are printed by
 * the binding and never stop the host.
 *
 * Build:  cc host.c $(pkg-config --cflags --libs libcrm lua5.4) -o host
 * Run:    LUA_CPATH='<dir of crm.so>/?.so' ./host [DATABASE] [PLUGIN_DIR]
 *
 * The demo: a customer's case is resolved, then reopened; the escalate.lua
 * plugin raises its priority to urgent and moves it to "Supervisors".
 *
 * SPDX-License-Identifier: MIT
 */
#include <crm.h>
#include <dirent.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(crm_status st, const char *what)
{
  if (st == CRM_OK)
    return;
  fprintf(stderr, "host: %s failed: %s\n", what, crm_error_last()->message);
  exit(1);
}

/* host.log(message): plugins report through the host. */
static int host_log(lua_State *L)
{
  printf("  [plugin] %s\n", luaL_checkstring(L, 1));
  return 0;
}

/* Make the global table `host` = {db = <crm handle>, log = host.log}. */
static void expose_host(lua_State *L, crm_db *db)
{
  lua_getglobal(L, "require");
  lua_pushstring(L, "crm");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    fprintf(stderr, "host: cannot load the crm Lua module: %s\n", lua_tostring(L, -1));
    exit(1);
  }
  lua_newtable(L);
  lua_getfield(L, -2, "wrap_handle");
  lua_pushlightuserdata(L, db);
  lua_call(L, 1, 1);
  lua_setfield(L, -2, "db");
  lua_pushcfunction(L, host_log);
  lua_setfield(L, -2, "log");
  lua_setglobal(L, "host");
  lua_pop(L, 1); /* the module */
}

static int is_lua_file(const struct dirent *e)
{
  size_t n = strlen(e->d_name);
  return n > 4 && strcmp(e->d_name + n - 4, ".lua") == 0;
}

/* Run every plugin in alphabetical order; a broken one is reported and skipped. */
static int load_plugins(lua_State *L, const char *dir)
{
  struct dirent **names = NULL;
  int n = scandir(dir, &names, is_lua_file, alphasort);
  if (n < 0) {
    perror(dir);
    exit(1);
  }
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
    if (luaL_dofile(L, path) != LUA_OK) {
      fprintf(stderr, "host: plugin %s failed: %s\n", path, lua_tostring(L, -1));
      lua_pop(L, 1);
    } else {
      printf("host: loaded plugin %s\n", names[i]->d_name);
    }
    free(names[i]);
  }
  free(names);
  return n;
}

/* The host's own work: a case is resolved, then the customer writes again. */
static crm_id play(crm_db *db)
{
  crm_id customer = 0, case_id = 0;
  check(crm_customer_ensure(&customer, NULL, db, CRM_IDENTITY_EMAIL, "anna@example.org", "Anna"),
        "crm_customer_ensure");
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = "Router keeps rebooting";
  check(crm_case_open(&case_id, db, &spec), "crm_case_open");
  check(crm_case_set_status(db, case_id, CRM_CASE_OPEN, 0), "crm_case_set_status");
  check(crm_case_set_status(db, case_id, CRM_CASE_RESOLVED, 0), "crm_case_set_status");
  printf("host: case #%lld resolved; the customer says it is not fixed: reopening\n",
         (long long)case_id);
  check(crm_case_set_status(db, case_id, CRM_CASE_OPEN, 0), "crm_case_set_status");
  return case_id;
}

int main(int argc, char **argv)
{
  const char *uri = argc > 1 ? argv[1] : "host-demo.db";
  const char *plugins = argc > 2 ? argv[2] : "plugins";
  crm_db *db = NULL;
  check(crm_open(&db, uri, NULL), "crm_open");

  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  expose_host(L, db);
  if (load_plugins(L, plugins) == 0)
    fprintf(stderr, "host: no plugins in %s\n", plugins);

  crm_id case_id = play(db);

  crm_case *c = NULL;
  check(crm_case_lookup(&c, db, case_id), "crm_case_lookup");
  crm_queue *q = NULL;
  const char *queue = "(none)";
  if (crm_case_queue(c) != 0 && crm_queue_lookup(&q, db, crm_case_queue(c)) == CRM_OK)
    queue = crm_queue_name(q);
  printf("host: case #%lld is now %s, priority %s, queue %s\n", (long long)case_id,
         crm_case_status_name(crm_case_status(c)), crm_priority_name(crm_case_priority(c)), queue);
  int escalated = crm_case_priority(c) == CRM_PRIORITY_URGENT && strcmp(queue, "Supervisors") == 0;
  crm_queue_free(q);
  crm_case_free(c);

  /* The Lua state goes first: its handle only borrows the host's. */
  lua_close(L);
  crm_close(db);
  return escalated ? 0 : 1;
}
