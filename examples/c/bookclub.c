/*
 * The book club: story S2 of libcrm's STORIES.md, played through the public
 * C API. Copy from it freely.
 *
 * A man signs a two-year book-club contract. He orders by postal card;
 * nothing arrives. He e-mails (no answer), calls six times (busy three times,
 * then hold music), e-mails again in capitals with three addresses in copy,
 * faxes the printed e-mail, and goes to a shop, where the clerk promises to
 * cancel the contract. A month later a third catalogue arrives. Only a call
 * to head office ends it, with written confirmation a week later.
 *
 * With libcrm every one of those contacts is recorded, on its own channel,
 * for the one customer recognised by any of his identities; no inbound
 * contact is ever without a case; the clerk's "resolved" is reopened when he
 * writes again; and "no more postal mailings" is a recorded preference with
 * an event that the mailing tool reads from the feed.
 *
 * Build:  cc bookclub.c $(pkg-config --cflags --libs libcrm) -o bookclub
 * Run:    ./bookclub [DATABASE_FILE]          (default: ./demo.db)
 *
 * The program's clock is injected (the story spans ten weeks in a second).
 * All times are UTC (Rome is UTC+2 until 26 October, then UTC+1).
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE /* timegm */
#include <crm.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ONE_DAY ((crm_time)86400)

/* Everything the story needs to carry around. */
typedef struct {
  crm_db *db;
  crm_time now; /* the clock the library reads (see read_clock) */
  crm_id queue, clerk, head_office;
  crm_id customer;
} story;

/* ---- small helpers ------------------------------------------------------ */

/* Every libcrm call returns a crm_status; on failure the thread's last error
   says what went wrong, naming the offending value. A failed call wrote
   nothing, so stopping here leaves the database consistent. */
static void check(crm_status st, const char *what)
{
  if (st == CRM_OK)
    return;
  fprintf(stderr, "bookclub: %s failed: %s (%s)\n", what, crm_error_last()->message,
          crm_strerror(st));
  exit(1);
}

/* The injected clock: libcrm calls it whenever it needs "now". */
static crm_time read_clock(void *payload)
{
  return *(const crm_time *)payload;
}

/* Move the story's clock to "YYYY-MM-DD HH:MM" (UTC). */
static void at(story *s, const char *when)
{
  struct tm tm = {0};
  if (sscanf(when, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min) != 5) {
    fprintf(stderr, "bookclub: bad time '%s'\n", when);
    exit(1);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  s->now = (crm_time)timegm(&tm);
}

/* "2025-09-01 07:00" (UTC) into a caller's buffer. */
static const char *format_time(char *buf, size_t size, crm_time t)
{
  time_t tt = (time_t)t;
  strftime(buf, size, "%Y-%m-%d %H:%M", gmtime(&tt));
  return buf;
}

static const char *or_dash(const char *text)
{
  return text != NULL ? text : "-";
}

/* Record one contact of the story's customer; returns the interaction id. */
static crm_id record(story *s, crm_interaction_spec spec)
{
  crm_id id = 0;
  spec.version = CRM_INTERACTION_SPEC_VERSION;
  spec.customer = s->customer;
  check(crm_interaction_record(&id, s->db, &spec), "crm_interaction_record");
  return id;
}

/* The case an interaction was filed into. */
static crm_id case_of(story *s, crm_id interaction)
{
  crm_interaction *ix = NULL;
  check(crm_interaction_lookup(&ix, s->db, interaction), "crm_interaction_lookup");
  crm_id case_id = crm_interaction_case(ix);
  crm_interaction_free(ix);
  return case_id;
}

/* The customer's newest case that is still being worked on (a work-list
   query): where an agent files a call or a fax about the same matter. */
static crm_id current_case(story *s)
{
  crm_case_query q = CRM_CASE_QUERY_INIT;
  crm_case_iterator *it = NULL;
  crm_case *c = NULL;
  crm_id newest = 0;
  crm_status st;

  q.customer = s->customer;
  q.status_mask = (1u << CRM_CASE_NEW) | (1u << CRM_CASE_OPEN) | (1u << CRM_CASE_PENDING_CUSTOMER) |
                  (1u << CRM_CASE_PENDING_THIRD_PARTY);
  check(crm_case_iterator_new(&it, s->db, &q), "crm_case_iterator_new");
  while ((st = crm_case_next(&c, it)) == CRM_OK) {
    newest = crm_case_id(c); /* cases come in ascending id order */
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  if (st != CRM_ITEROVER)
    check(st, "crm_case_next");
  return newest;
}

/* Change a case's status, guarded by the version we read (optimistic
   concurrency: CRM_ECONFLICT if someone changed it in between). */
static void set_status(story *s, crm_id case_id, crm_case_status_t status)
{
  crm_case *c = NULL;
  check(crm_case_lookup(&c, s->db, case_id), "crm_case_lookup");
  int64_t version = crm_case_version(c);
  crm_case_free(c);
  check(crm_case_set_status(s->db, case_id, status, version), "crm_case_set_status");
}

static void print_case(story *s, crm_id case_id)
{
  crm_case *c = NULL;
  check(crm_case_lookup(&c, s->db, case_id), "crm_case_lookup");
  printf("    case #%lld \"%s\": %s, %lld inbound contacts, %lld reopen(s), %lld transfer(s)\n",
         (long long)crm_case_id(c), crm_case_subject(c), crm_case_status_name(crm_case_status(c)),
         (long long)crm_case_inbound_count(c), (long long)crm_case_reopen_count(c),
         (long long)crm_case_transfer_count(c));
  crm_case_free(c);
}

/* Which customer owns this identity? The phone system, the mail gateway and
   the shop all ask the same question; the answer must be the same man. */
static void recognise(story *s, crm_identity_kind_t kind, const char *value)
{
  crm_id who = 0;
  check(crm_customer_find(&who, s->db, kind, value), "crm_customer_find");
  printf("    %s '%s' -> customer #%lld%s\n", crm_identity_kind_name(kind), value, (long long)who,
         who == s->customer ? "" : " (a different customer!)");
  if (who != s->customer)
    exit(1);
}

/* ---- the story ---------------------------------------------------------- */

static void set_up_the_book_club(story *s)
{
  printf("The book club sets up its customer service.\n");
  /* A resolved case is reopened by a new contact within this many seconds
     (default 7 days); the book club allows 45. */
  check(crm_setting_set(s->db, "reopen_window", "3888000"), "crm_setting_set");
  check(crm_queue_create(&s->queue, s->db, "Customer service"), "crm_queue_create");
  check(crm_agent_create(&s->clerk, s->db, "Shop clerk, Milano Centrale",
                         "clerk.milano@bookclub.example"),
        "crm_agent_create");
  check(crm_agent_create(&s->head_office, s->db, "Head office", "direzione@bookclub.example"),
        "crm_agent_create");
  check(crm_agent_join(s->db, s->clerk, s->queue, CRM_ROLE_AGENT), "crm_agent_join");
  check(crm_agent_join(s->db, s->head_office, s->queue, CRM_ROLE_SUPERVISOR), "crm_agent_join");
}

static void sign_the_contract(story *s)
{
  int created = 0;
  printf("A man signs a two-year contract in the street: member BC-0042.\n");
  check(crm_customer_ensure(&s->customer, &created, s->db, CRM_IDENTITY_EXTERNAL, "BC-0042",
                            "Mario Rossi"),
        "crm_customer_ensure");
  /* Every way he may contact us is an identity of the same customer. The
     phone number is national: the handle's default region (IT) makes it
     +390212345678. */
  check(crm_identity_add(s->db, s->customer, CRM_IDENTITY_EMAIL, "mario.rossi@example.it"),
        "crm_identity_add");
  check(crm_identity_add(s->db, s->customer, CRM_IDENTITY_EMAIL, "M.Rossi@Studio-Rossi.example"),
        "crm_identity_add");
  check(crm_identity_add(s->db, s->customer, CRM_IDENTITY_PHONE, "02 1234 5678"),
        "crm_identity_add");

  crm_identity_iterator *it = NULL;
  crm_identity *identity = NULL;
  crm_status st;
  check(crm_identity_iterator_new(&it, s->db, s->customer), "crm_identity_iterator_new");
  while ((st = crm_identity_next(&identity, it)) == CRM_OK) {
    printf("    identity %-8s %s\n", crm_identity_kind_name(crm_identity_kind(identity)),
           crm_identity_value(identity));
    crm_identity_free(identity);
  }
  crm_identity_iterator_free(it);
  if (st != CRM_ITEROVER)
    check(st, "crm_identity_next");
}

static crm_id order_by_postal_card(story *s)
{
  printf("He orders three books from the first catalogue by postal card.\n");
  /* case_id 0: the library files the contact. A letter that answers nothing
     opens a new case: an inbound contact is never without one. */
  crm_id letter = record(s, (crm_interaction_spec){
                                .channel = CRM_CHANNEL_LETTER,
                                .direction = CRM_DIRECTION_INBOUND,
                                .occurred_at = s->now - 4 * ONE_DAY, /* the postmark */
                                .subject = "Order: catalogue 1, three books",
                                .body = "Order card: items 12, 31, 47. Member BC-0042.",
                            });
  crm_id order_case = case_of(s, letter);
  printf("    letter #%lld, recorded with case_id 0, filed into case #%lld\n", (long long)letter,
         (long long)order_case);
  check(crm_case_assign(s->db, order_case, s->queue, 0, 0), "crm_case_assign");
  return order_case;
}

static crm_id first_email(story *s)
{
  at(s, "2025-09-22 07:30");
  printf("Three weeks: no books, but the next catalogue. He writes an e-mail.\n");
  recognise(s, CRM_IDENTITY_EMAIL, "Mario.Rossi@example.it");
  /* A complaint opens a case exactly like an order does. */
  crm_id mail = record(s, (crm_interaction_spec){
                              .channel = CRM_CHANNEL_EMAIL,
                              .direction = CRM_DIRECTION_INBOUND,
                              .subject = "Order of 1 September not received",
                              .body = "I ordered three books a month ago. Where are they?",
                              .external_ref = "<20250922.0930.1@example.it>",
                          });
  crm_id complaint = case_of(s, mail);
  printf("    e-mail #%lld, case_id 0, filed into a new case #%lld\n", (long long)mail,
         (long long)complaint);
  check(crm_case_assign(s->db, complaint, s->queue, 0, 0), "crm_case_assign");
  return complaint;
}

/* One call to the toll-free number; hold_seconds is a free attribute. */
static void call(story *s, crm_outcome_t outcome, const char *ref, const char *hold_seconds,
                 const char *what)
{
  crm_id id = record(s, (crm_interaction_spec){
                            .case_id = current_case(s),
                            .channel = CRM_CHANNEL_PHONE,
                            .direction = CRM_DIRECTION_INBOUND,
                            .outcome = outcome,
                            .subject = "Call to the toll-free number",
                            .body = what,
                            .external_ref = ref,
                        });
  if (hold_seconds != NULL)
    check(crm_interaction_set_attribute(s->db, id, "hold_seconds", hold_seconds),
          "crm_interaction_set_attribute");
  printf("    call #%lld: %s\n", (long long)id, crm_outcome_name(outcome));
}

static void six_calls(story *s)
{
  printf("Three days without an answer. He calls the toll-free number six times.\n");
  at(s, "2025-09-25 07:00");
  recognise(s, CRM_IDENTITY_PHONE, "+39 02 1234 5678"); /* the caller id */
  call(s, CRM_OUTCOME_BUSY, "call-0925-0001", NULL, NULL);
  at(s, "2025-09-25 07:05");
  call(s, CRM_OUTCOME_BUSY, "call-0925-0002", NULL, NULL);
  at(s, "2025-09-25 07:12");
  call(s, CRM_OUTCOME_BUSY, "call-0925-0003", NULL, NULL);
  at(s, "2025-09-25 07:40");
  call(s, CRM_OUTCOME_ANSWERED, "call-0925-0004", "840",
       "After 14 minutes of music: 'your order is being processed'.");
  at(s, "2025-09-25 10:15");
  call(s, CRM_OUTCOME_ABANDONED, "call-0925-0005", "1200",
       "Hung up after 20 minutes of hold music.");
  at(s, "2025-09-26 08:00");
  call(s, CRM_OUTCOME_ANSWERED, "call-0926-0006", "600", "Told to write an e-mail.");
}

static const char *capitals_email(story *s, crm_id complaint)
{
  static const char *const ref = "<20250927.2210.7@studio-rossi.example>";
  at(s, "2025-09-27 20:10");
  printf("He e-mails again, in capitals, from his office, three addresses in copy.\n");
  recognise(s, CRM_IDENTITY_EMAIL, "m.rossi@studio-rossi.example");
  /* case_id 0 again: in_reply_to names his first e-mail, so the library
     threads it into that case. */
  crm_id mail = record(s, (crm_interaction_spec){
                              .channel = CRM_CHANNEL_EMAIL,
                              .direction = CRM_DIRECTION_INBOUND,
                              .subject = "RE: ORDER OF 1 SEPTEMBER NOT RECEIVED",
                              .body = "I WANT MY BOOKS OR I CANCEL THE CONTRACT. THIS IS THE "
                                      "SECOND E-MAIL AND THE SIXTH CALL.",
                              .external_ref = ref,
                              .in_reply_to = "<20250922.0930.1@example.it>",
                          });
  const char *cc[] = {"reclami@bookclub.example", "info@consumatori.example",
                      "avv.bianchi@studio-legale.example"};
  for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++)
    check(crm_interaction_add_participant(s->db, mail, CRM_IDENTITY_EMAIL, cc[i], "cc"),
          "crm_interaction_add_participant");
  printf("    e-mail #%lld threaded into case #%lld (the complaint is #%lld), 3 cc recorded\n",
         (long long)mail, (long long)case_of(s, mail), (long long)complaint);
  return ref;
}

static void fax_and_shop_visit(story *s, crm_id complaint)
{
  at(s, "2025-09-29 09:00");
  printf("He faxes the printed e-mail, then goes to a shop.\n");
  record(s, (crm_interaction_spec){
                .case_id = current_case(s),
                .channel = CRM_CHANNEL_FAX,
                .direction = CRM_DIRECTION_INBOUND,
                .subject = "Printed copy of my e-mail of 27 September",
                .external_ref = "fax-0929-0017",
            });
  at(s, "2025-10-02 15:30");
  check(crm_case_assign(s->db, complaint, s->queue, s->clerk, 0), "crm_case_assign");
  record(s, (crm_interaction_spec){
                .case_id = complaint,
                .channel = CRM_CHANNEL_IN_PERSON,
                .direction = CRM_DIRECTION_INBOUND,
                .outcome = CRM_OUTCOME_ANSWERED,
                .agent = s->clerk,
                .subject = "Visit to the Milano Centrale shop",
                .body = "Customer wants to cancel the contract.",
            });
  at(s, "2025-10-02 15:45");
  /* A note the customer never sees: channel note, direction internal. */
  record(s, (crm_interaction_spec){
                .case_id = complaint,
                .channel = CRM_CHANNEL_NOTE,
                .direction = CRM_DIRECTION_INTERNAL,
                .agent = s->clerk,
                .body = "Promised to have the contract cancelled. Forwarding to head office.",
            });
  printf("The clerk promises to cancel the contract and resolves the case.\n");
  set_status(s, complaint, CRM_CASE_RESOLVED);
  print_case(s, complaint);
}

static void third_catalogue(story *s, crm_id complaint, const char *capitals_ref)
{
  at(s, "2025-11-03 08:00");
  printf("A month later a third catalogue arrives. He writes again.\n");
  crm_id mail = record(s, (crm_interaction_spec){
                              .channel = CRM_CHANNEL_EMAIL,
                              .direction = CRM_DIRECTION_INBOUND,
                              .subject = "Re: ORDER OF 1 SEPTEMBER NOT RECEIVED",
                              .body = "Another catalogue. The shop said my contract was "
                                      "cancelled. 'A technical phasing problem'?",
                              .external_ref = "<20251103.0800.2@example.it>",
                              .in_reply_to = capitals_ref,
                          });
  printf("    e-mail #%lld lands in case #%lld, inside the 45-day reopen window:\n",
         (long long)mail, (long long)case_of(s, mail));
  print_case(s, complaint);
}

static void head_office(story *s, crm_id order_case, crm_id complaint)
{
  at(s, "2025-11-04 09:10");
  printf("He calls head office: an apology, and the contract is cancelled.\n");
  check(crm_case_assign(s->db, complaint, s->queue, s->head_office, 0), "crm_case_assign");
  record(s, (crm_interaction_spec){
                .case_id = complaint,
                .channel = CRM_CHANNEL_PHONE,
                .direction = CRM_DIRECTION_INBOUND,
                .outcome = CRM_OUTCOME_ANSWERED,
                .agent = s->head_office,
                .subject = "Call to head office",
                .body = "Apologised. Contract cancelled; no more catalogues.",
                .external_ref = "call-1104-0042",
            });

  /* The cancellation is data, not a promise: a preference (with its
     customer.preference event for the mailing tool) and the status. */
  check(crm_customer_set_preference(s->db, s->customer, CRM_CHANNEL_LETTER, "marketing", 0),
        "crm_customer_set_preference");
  crm_customer_update_spec update = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  update.status = CRM_CUSTOMER_INACTIVE;
  check(crm_customer_update(s->db, s->customer, &update, 0), "crm_customer_update");

  at(s, "2025-11-11 10:00");
  printf("A week later: written confirmation of the cancellation.\n");
  record(s, (crm_interaction_spec){
                .case_id = complaint,
                .channel = CRM_CHANNEL_LETTER,
                .direction = CRM_DIRECTION_OUTBOUND,
                .agent = s->head_office,
                .subject = "Confirmation: contract BC-0042 cancelled",
            });
  set_status(s, complaint, CRM_CASE_RESOLVED);
  set_status(s, order_case, CRM_CASE_RESOLVED);
  print_case(s, order_case);
  print_case(s, complaint);

  /* What the catalogue mailing tool asks before every mailing. */
  int allowed = 1;
  check(crm_customer_may_contact(&allowed, s->db, s->customer, CRM_CHANNEL_LETTER, "marketing"),
        "crm_customer_may_contact");
  printf("    may we post him a catalogue? %s\n", allowed ? "yes" : "no");
}

/* ---- what an agent (and a mailing tool) sees ---------------------------- */

/* The customer's timeline across every channel and case, newest first, read
   in pages of 8 (keyset paging: pass the last one's time and id). */
#define TIMELINE_ROW "  %-16s  %-9s  %-9s  %-9s  %-5s  %s\n"

static void print_timeline(story *s)
{
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  crm_interaction *ix = NULL;
  crm_status st;
  unsigned int on_page;
  char when[32];

  q.customer = s->customer;
  q.limit = 8;
  printf("\nTimeline of customer #%lld, newest first (UTC):\n", (long long)s->customer);
  printf(TIMELINE_ROW, "when", "channel", "direction", "outcome", "case", "subject");
  do {
    crm_timeline_iterator *it = NULL;
    check(crm_timeline_iterator_new(&it, s->db, &q), "crm_timeline_iterator_new");
    on_page = 0;
    while ((st = crm_timeline_next(&ix, it)) == CRM_OK) {
      char case_text[24] = "-";
      if (crm_interaction_case(ix) != 0)
        snprintf(case_text, sizeof case_text, "#%lld", (long long)crm_interaction_case(ix));
      printf(TIMELINE_ROW, format_time(when, sizeof when, crm_interaction_occurred_at(ix)),
             crm_channel_name(crm_interaction_channel(ix)),
             crm_direction_name(crm_interaction_direction(ix)),
             crm_interaction_outcome(ix) == CRM_OUTCOME_NONE
                 ? "-"
                 : crm_outcome_name(crm_interaction_outcome(ix)),
             case_text, or_dash(crm_interaction_subject(ix)));
      q.before = crm_interaction_occurred_at(ix);
      q.before_id = crm_interaction_id(ix);
      on_page++;
      crm_interaction_free(ix);
    }
    crm_timeline_iterator_free(it);
    if (st != CRM_ITEROVER)
      check(st, "crm_timeline_next");
  } while (on_page == q.limit);
}

/* The durable event feed: every change, in commit order. A consumer keeps
   the last seq it handled and asks for the events after it. */
#define EVENT_ROW_HEADER "  %4s  %-24s  %-11s  %4s  %s\n"
#define EVENT_ROW        "  %4lld  %-24s  %-11s  %4lld  %s\n"

static void print_events(story *s)
{
  crm_event_iterator *it = NULL;
  crm_event *ev = NULL;
  crm_status st;

  printf("\nEvent feed:\n");
  printf(EVENT_ROW_HEADER, "seq", "kind", "entity", "id", "payload");
  check(crm_event_iterator_new(&it, s->db, 0), "crm_event_iterator_new");
  while ((st = crm_event_next(&ev, it)) == CRM_OK) {
    printf(EVENT_ROW, (long long)crm_event_seq(ev), crm_event_kind(ev), crm_event_entity(ev),
           (long long)crm_event_entity_id(ev), crm_event_payload(ev));
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  if (st != CRM_ITEROVER)
    check(st, "crm_event_next");
}

int main(int argc, char **argv)
{
  const char *path = argc > 1 ? argv[1] : "./demo.db";
  story s = {0};

  /* The story's ids and references are unique: play it on a new file. */
  FILE *existing = fopen(path, "rb");
  if (existing != NULL) {
    fclose(existing);
    fprintf(stderr, "bookclub: %s exists; remove it or name a new file\n", path);
    return 1;
  }

  at(&s, "2025-09-01 07:00"); /* 09:00 in Rome */
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.clock = read_clock;
  opts.clock_payload = &s.now;
  opts.default_phone_region = "IT";
  check(crm_open(&s.db, path, &opts), "crm_open");

  set_up_the_book_club(&s);
  sign_the_contract(&s);
  crm_id order_case = order_by_postal_card(&s);
  crm_id complaint = first_email(&s);
  six_calls(&s);
  const char *capitals_ref = capitals_email(&s, complaint);
  fax_and_shop_visit(&s, complaint);
  third_catalogue(&s, complaint, capitals_ref);
  head_office(&s, order_case, complaint);

  print_timeline(&s);
  print_events(&s);

  crm_close(s.db);
  printf("\nThe database is %s (SQLite; open it with sqlite3 to look around).\n", path);
  return 0;
}
