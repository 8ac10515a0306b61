#!/usr/bin/env bash
# The five stories of libcrm (STORIES.md in the design notes) played
# through the crm command-line tool, with narration, on a fresh database.
#
# Usage: examples/cli/stories.sh [CRM [DB]]
#   CRM  the crm executable (default: crm on $PATH)
#   DB   the SQLite file to create; an old one is removed (default: ./demo.db)
#
# Every step runs at an explicit time (CRM_NOW, crm's injectable clock), in
# Rome's time zone, so the output is the same on every run. The stories
# happen in autumn 2026.
#
# SPDX-License-Identifier: MIT
set -euo pipefail

CRM=${1:-crm}
DB=${2:-./demo.db}
export TZ=Europe/Rome CRM_DB=$DB
unset CRM_NOW
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"

if [ -t 1 ]; then bold=$'\033[1m' dim=$'\033[2m' off=$'\033[0m'; else bold='' dim='' off=''; fi

quiet() { "$CRM" "$@" >/dev/null; }           # done, not shown
at() { export CRM_NOW="$1"; }                 # what follows happens at this (Rome) time
story() { printf '\n%s%s%s\n' "$bold" "$*" "$off"; }
say() { printf '%s# %s%s\n' "$dim" "$*" "$off"; }
# shown, after the command line that prints it
show() {
  local arg line=''
  for arg; do
    case $arg in *[[:space:]]*) line+=" \"$arg\"" ;; *) line+=" $arg" ;; esac
  done
  printf '%s$ crm%s%s\n' "$dim" "$line" "$off"
  "$CRM" "$@"
}
# A top-level number of a command's JSON output: json_num KEY ARGS...
json_num() {
  local key=$1
  shift
  "$CRM" --json "$@" | sed -n "s/^  \"$key\" : \\([0-9]*\\),*\$/\\1/p" | head -n 1
}
id_of() { json_num id "$@"; }

story "Setting up: a help desk with business hours and service levels defined up front"
at "2026-10-01 09:00"
quiet init
cal=$(id_of calendar define "Help desk, Rome" - <<'EOF'
{"tz": "Europe/Rome",
 "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], "tue": [["09:00", "13:00"], ["14:00", "18:00"]],
           "wed": [["09:00", "13:00"], ["14:00", "18:00"]], "thu": [["09:00", "13:00"], ["14:00", "18:00"]],
           "fri": [["09:00", "13:00"], ["14:00", "18:00"]]},
 "holidays": [["2026-11-01", "Ognissanti"], ["2026-12-08", "Immacolata"], ["2026-12-25", "Natale"],
              ["2026-12-26", "Santo Stefano"], ["2027-01-01", null], ["2027-01-06", "Epifania"]]}
EOF
)
say "calendar $cal: Monday to Friday 09-13 and 14-18, closed on holidays"
outage_policy=$(id_of policy define "Outage updates" - <<'EOF'
{"order": 1, "kinds": ["incident"], "targets": {"periodic_update": "30m", "resolution": "4h"}}
EOF
)
urgent_policy=$(id_of policy define "Urgent" - <<'EOF'
{"order": 5, "priorities": ["urgent"], "targets": {"first_response": "30m", "resolution": "4h"}}
EOF
)
standard_policy=$(id_of policy define "Standard" - <<EOF
{"order": 10, "calendar": $cal, "warn_percent": 75,
 "targets": {"first_response": "8h", "next_response": "8h", "resolution": "40h"},
 "pause_statuses": ["pending_customer", "pending_third_party"]}
EOF
)
say "policies: $outage_policy outage updates every 30 minutes, $urgent_policy urgent (around the clock),"
say "$standard_policy standard: first response within 8 business hours on every channel"
tech=$(id_of queue create "Technical support" --skill adsl --skill fibre)
billing=$(id_of queue create "Billing")
specialists=$(id_of queue create "Fibre specialists" --skill fibre-2.5g)
luca=$(id_of agent create "Luca, first line" --email luca@isp.example --skill adsl)
sara=$(id_of agent create "Sara, fibre specialist" --email sara@isp.example --skill fibre-2.5g)
billing_office=$(id_of agent create "Billing office" --email billing@isp.example)
quiet agent join "$luca" "$tech"
quiet agent join "$sara" "$specialists"
quiet agent join "$billing_office" "$billing"
quiet settings set helpdesk_addresses "help@isp.example,billing@isp.example"

# ---------------------------------------------------------------------------
story "S1 The flat-rate subscriber: two calls, an e-mail answered six weeks later"
quiet --region IT customer add --name "Giorgio Bianchi" --external ISP-778812 \
  --phone "06 5555 0101" --email giorgio.bianchi@example.it --segment flat24
at "2026-11-02 09:15"
say "Monday 2 November: he calls about line drops; the caller id finds him"
line=$(json_num case --as "$luca" contact record +390655550101 --channel phone --outcome answered \
  --subject "Line drops, slow transfers")
quiet case assign "$line" --queue "$tech" --agent "$luca"
at "2026-11-02 09:25"
quiet --as "$luca" contact record +390655550101 --channel note --case "$line" \
  --subject "FAQ 7 read: it is the telephone company's line"
quiet case status "$line" resolved
at "2026-11-03 11:00"
say "Tuesday: the same problem again (the case reopens: a repeat, not a feeling)"
quiet --as "$luca" contact record +390655550101 --channel phone --outcome answered --case "$line" \
  --subject "Line drops again"
at "2026-11-03 11:10"
quiet case status "$line" resolved
at "2026-11-04 10:00"
say "Wednesday 4 November, 10:00: he writes an e-mail; 8 business hours to answer it"
quiet contact record giorgio.bianchi@example.it --channel email --case "$line" \
  --subject "Line drops and failed connections: third report" --ref "<line-20261104@example.it>"
at "2026-12-14 11:00"
say "Six weeks later the SLA clock runs (crm sla tick, normally every minute)..."
quiet sla tick
say "...and the answer finally leaves: the breach stays on record"
quiet --as "$luca" contact record giorgio.bianchi@example.it --channel email --direction outbound \
  --case "$line" --subject "Re: Line drops and failed connections" --in-reply-to "<line-20261104@example.it>"
quiet case status "$line" resolved
show sla show "$line" --all
at "2026-12-25 20:30"
say "Christmas evening: an e-mail to billing about an invoice he did not expect"
bill=$(json_num case contact record giorgio.bianchi@example.it --channel email \
  --subject "Invoice 2026/1187: I did not order this")
quiet case assign "$bill" --queue "$billing"
at "2027-01-11 09:00"
quiet sla tick
say "No answer at all: it is not lost, it is overdue (the clock started on Monday 28 December)"
show sla due
show case list --customer external:ISP-778812
say "The line case: $(json_num inbound_count case show "$line") inbound contacts,\
 $(json_num reopen_count case show "$line") reopens: a recurring problem is a query"

# ---------------------------------------------------------------------------
story "S2 The book club: every channel, one customer, a contract that finally dies"
at "2026-09-01 10:00"
clerk=$(id_of agent create "Shop clerk" --email clerk@bookclub.example)
office=$(id_of agent create "Head office" --email office@bookclub.example)
quiet customer add --name "Mario Rossi" --external BC-0042
say "A postal card orders from the first catalogue (a letter: it opens a case like any complaint)"
quiet contact record external:BC-0042 --channel letter --subject "Order: catalogue 1, items 3 and 7"
at "2026-10-01 09:30"
quiet identity add external:BC-0042 email mario.rossi@gmail.com
complaint=$(json_num case contact record mario.rossi@gmail.com --channel email \
  --subject "Where is my order?" --ref "<m1@gmail.com>")
say "Six calls to the toll-free number: busy three times, hold music twice, then an answer"
quiet --region IT identity add external:BC-0042 phone "02 1234 5678"
hour=10
for outcome in busy busy busy abandoned abandoned answered; do
  at "2026-10-01 $hour:00"
  quiet contact record +390212345678 --channel phone --outcome "$outcome" --case "$complaint"
  hour=$((hour + 1))
done
at "2026-10-03 08:00"
quiet identity add external:BC-0042 email m.rossi@work.example
quiet contact record m.rossi@work.example --channel email --subject "I WANT TO CANCEL MY CONTRACT" \
  --ref "<m2@work.example>" --in-reply-to "<m1@gmail.com>"
at "2026-10-04 09:00"
quiet contact record external:BC-0042 --channel fax --case "$complaint" \
  --subject "Fax: I WANT TO CANCEL MY CONTRACT"
at "2026-10-05 17:00"
say "At the shop the clerk, who cannot find him, makes a new customer record"
dup=$(id_of customer add --name "M. Rossi" --email mariorossi+shop@googlemail.com)
quiet --as "$clerk" contact record "$dup" --channel in_person --outcome answered \
  --subject "Shop visit: wants to cancel the contract"
say "libcrm sees the duplicate (an alias of the same mailbox) and the two are merged"
show customer duplicates external:BC-0042
quiet customer merge external:BC-0042 "$dup"
at "2026-11-05 10:00"
say "A month later a third catalogue arrives; head office answers the call and apologises"
quiet --as "$office" contact record external:BC-0042 --channel phone --outcome answered \
  --case "$complaint" --subject "Third catalogue received: apology, contract cancelled"
quiet customer prefs external:BC-0042 --channel letter --purpose marketing --deny \
  --source "head office call 2026-11-05"
at "2026-11-12 10:00"
quiet --as "$office" contact record external:BC-0042 --channel letter --direction outbound \
  --case "$complaint" --subject "Written confirmation of the cancellation"
quiet case status "$complaint" resolved
say "The whole history, every channel, newest first: where head office started from"
show timeline external:BC-0042
say "The cancellation is an event a mailing tool reads from the feed: no fourth catalogue"
show events --kind customer.preference

# ---------------------------------------------------------------------------
story "S3 The outage: the caller is matched to the incident, and everyone is told"
at "2026-11-16 06:00"
noc=$(id_of customer add --name "Network operations" --email noc@isp.example)
for who in "anna@example.it:Anna Verdi:06-58" "bruno@example.it:Bruno Neri:06-58" \
  "carla@example.it:Carla Blu:02-11"; do
  IFS=: read -r email name area <<<"$who"
  quiet customer add --name "$name" --email "$email"
  quiet customer attr "$email" area_code "$area"
done
at "2026-11-16 06:10"
say "Overnight a fibre is cut in area 06-58: operations opens an incident with its scope"
incident=$(id_of incident open "$noc" "Fibre cut in Trastevere (area 06-58)" --priority urgent \
  --scope area_code=06-58)
at "2026-11-16 08:05"
say "Anna calls in the morning: before anything else the agent sees the open incident"
show incident match anna@example.it
call=$(json_num case --as "$luca" contact record anna@example.it --channel phone --outcome answered \
  --subject "No line since last night")
at "2026-11-16 08:20"
mail=$(json_num case contact record bruno@example.it --channel email --subject "Internet down")
quiet incident attach "$incident" "$call" "$mail"
at "2026-11-16 08:30"
quiet incident update "$incident" "Fibre cut by roadworks; technicians on site, back by 10:00"
at "2026-11-16 09:10"
say "The line is back: one call resolves the incident and its linked cases"
quiet incident resolve "$incident" "Line restored at 09:10. Sorry for the trouble."
show incident show "$incident"
say "Its own clock: an update to the customers at least every 30 minutes"
show sla show "$incident" --all
say "One event per affected customer, for proactive notification"
show events --kind incident.update

# ---------------------------------------------------------------------------
story "S4 The IVR and the blank screen: abandoned calls count, the agent sees the history"
at "2026-11-18 09:00"
quiet --region IT customer add --name "Dario Gialli" --phone "06 7777 1234" --email dario@example.it
quiet contact record dario@example.it --channel email --subject "Modem lights blinking red"
for minute in 10 25; do
  at "2026-11-18 10:$minute"
  quiet contact record +390677771234 --channel ivr --outcome abandoned --attr ivr_depth=3 \
    --subject "IVR: gave up at menu step 3"
done
at "2026-11-18 11:00"
say "When Luca answers, the screen is not blank: the last contacts on every channel"
ivr_case=$(json_num case --as "$luca" contact record +390677771234 --channel phone --outcome answered \
  --subject "Modem: third attempt to get through")
show timeline dario@example.it --limit 4
quiet case status "$ivr_case" resolved
at "2026-11-19 09:00"
show case csat "$ivr_case" 4 --comment "Finally someone who knew my history"

# ---------------------------------------------------------------------------
story "S5 Not my competence: transfers are counted, service levels do not depend on the channel"
at "2026-11-20 09:00"
quiet customer add --name "Elena Rosa" --email elena@example.it --phone +390699990000
by_mail=$(json_num case contact record elena@example.it --channel email --subject "What is fibre 2.5G?")
at "2026-11-20 09:05"
by_phone=$(json_num case --as "$luca" contact record +390699990000 --channel phone --outcome answered \
  --subject "Fibre 2.5G: how do I upgrade?")
say "The same first-response target for the e-mail and the call (same priority, one policy)"
show sla show "$by_mail"
show sla show "$by_phone"
at "2026-11-20 09:30"
say "Luca does not know the new product: the case moves to the specialists (a transfer)"
quiet case assign "$by_mail" --queue "$tech" --agent "$luca"
quiet case assign "$by_mail" --queue "$specialists" --agent "$sara"
quiet --as "$sara" contact record elena@example.it --channel email --direction outbound \
  --case "$by_mail" --subject "Re: What is fibre 2.5G?"
quiet case status "$by_mail" resolved
say "The call was resolved on first contact, without a transfer"
quiet case status "$by_phone" resolved
show case list --customer elena@example.it
say "Transfers counted per case: $(json_num transfer_count case show "$by_mail") on case $by_mail,\
 $(json_num transfer_count case show "$by_phone") on case $by_phone (resolved at first contact)"

# ---------------------------------------------------------------------------
story "The figures: every story's contacts and cases in one report, cut by channel"
say "Contacts, abandoned calls, response times, SLA, first-contact resolution, reopens, transfers, CSAT"
show report --by channel --from "2026-09-01 00:00" --to "2027-02-01 00:00"

story "Try next"
printf '  %s --db %s timeline external:BC-0042 --limit 5\n' "$CRM" "$DB"
printf '  %s --db %s sla show %s --both\n' "$CRM" "$DB" "$line"
printf '  %s --db %s --json incident show %s\n' "$CRM" "$DB" "$incident"
