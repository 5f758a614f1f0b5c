/*
 * ics.c — iCalendar content lines (RFC 5545 section 3.1 folding, 3.3.11 TEXT escaping).
 */
#include "ics.h"

#include <string.h>

/* Appends `line` folded into chunks of at most 75 octets, continuation lines starting with a space. */
static void agent_ics_fold(agent_json_buffer *out, const char *line, size_t length)
{
    size_t start = 0;
    size_t limit = 75;
    while (length - start > limit) {
        size_t cut = start + limit;
        /* Back up to the start of a UTF-8 sequence. */
        while (cut > start && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--;
        agent_json_buffer_append(out, line + start, cut - start);
        agent_json_buffer_puts(out, "\r\n ");
        start = cut;
        limit = 74; /* the leading space counts */
    }
    agent_json_buffer_append(out, line + start, length - start);
    agent_json_buffer_puts(out, "\r\n");
}

void agent_ics_line(agent_json_buffer *out, const char *name, const char *value)
{
    agent_json_buffer line = {0};
    agent_json_buffer_puts(&line, name);
    agent_json_buffer_puts(&line, ":");
    agent_json_buffer_puts(&line, value);
    if (!line.failed) agent_ics_fold(out, line.data, line.length);
    else out->failed = 1;
    agent_json_buffer_free(&line);
}

void agent_ics_text(agent_json_buffer *out, const char *name, const char *text)
{
    agent_json_buffer escaped = {0};
    agent_json_buffer_puts(&escaped, "");
    for (const char *s = text; s && *s; s++) {
        switch (*s) {
        case '\\': agent_json_buffer_puts(&escaped, "\\\\"); break;
        case ';': agent_json_buffer_puts(&escaped, "\\;"); break;
        case ',': agent_json_buffer_puts(&escaped, "\\,"); break;
        case '\n': agent_json_buffer_puts(&escaped, "\\n"); break;
        case '\r': break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t') agent_json_buffer_append(&escaped, s, 1);
        }
    }
    agent_ics_line(out, name, escaped.data ? escaped.data : "");
    agent_json_buffer_free(&escaped);
}
