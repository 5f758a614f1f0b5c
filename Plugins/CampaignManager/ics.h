/*
 * ics.h — writing RFC 5545 iCalendar content: CRLF line ends, lines folded at 75 octets
 * (never inside a UTF-8 sequence), TEXT values escaped.
 */
#ifndef AGENT_ICS_H
#define AGENT_ICS_H

#include "agent_json.h"

/** Appends `name` + ":" + `value` as one content line (value written as is), folded, CRLF. */
void agent_ics_line(agent_json_buffer *out, const char *name, const char *value);
/** Appends `name` + ":" + `text` escaped as an iCalendar TEXT value, folded, CRLF. */
void agent_ics_text(agent_json_buffer *out, const char *name, const char *text);

#endif /* AGENT_ICS_H */
