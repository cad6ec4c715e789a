/*
 * traces/json.h — JSON forms of trace events (for `show --json` and exports).
 *
 * An event is one JSON object on one line (JSON Lines), keys in this order:
 *
 *   {"seq":7,"time_ns":0,"thread":1,"thread_name":"daemon","kind":"block",
 *    "other":null,"obj":null,"arg":5000000000,"reason":"sleep","text":null}
 *
 *   seq, time_ns   the event's number and virtual time (integer ns);
 *   thread         acting thread id, null for none (a timer, the host);
 *   thread_name    its name at that moment (as the full view shows it), or null;
 *   kind           "create", "start", "switch", ... (sim_ev_kind_name);
 *   other, obj     second thread and object id, null for none;
 *   arg            the kind-specific number (deadline, stream, daemon flag);
 *   reason, text   strings, or null.
 *
 * Strings are UTF-8. Control characters, '"' and '\\' are escaped; a byte that
 * is not part of valid UTF-8 becomes U+FFFD (the only lossy case; the output
 * of Python programs is valid UTF-8). Numbers are exact decimal integers.
 */
#ifndef TRACES_JSON_H
#define TRACES_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "trace.h"

/* Append `s` (n bytes) as a JSON string literal, quotes included. */
void trace_json_string(sim_buf *b, const char *s, size_t n);
/* Write `s` (n bytes) as XML 1.0 text (JUnit reports): markup and quotes
 * escaped; characters XML 1.0 cannot carry (control characters but tab,
 * newline and carriage return, even as references) and bytes that are not
 * valid UTF-8 become U+FFFD. */
void trace_xml_text(FILE *f, const char *s, size_t n);
/* Append one event as a JSON object followed by '\n'; `nm` must already have
 * seen `ev` (trace_names_see). */
void trace_json_event(sim_buf *b, const trace_names *nm, const sim_event *ev);

#endif
