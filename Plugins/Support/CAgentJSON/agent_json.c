/*
 * agent_json.c — reader and writer declared in agent_json.h.
 *
 * Implementation notes: a recursive-descent parser with a depth limit (so hostile input
 * cannot exhaust the stack); \u escapes are decoded to UTF-8, surrogate pairs joined.
 * Numbers are read with strtod on a bounded copy, because the input is not NUL-terminated.
 */
#include "agent_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define AGENT_JSON_MAX_PARSE_DEPTH 256

typedef struct agent_json_parser {
    const char *text;
    size_t length;
    size_t pos;
    int depth;
    char *error;
    size_t error_size;
    int failed;
} agent_json_parser;

static void agent_json_fail(agent_json_parser *p, const char *what)
{
    if (p->failed) return;
    p->failed = 1;
    if (p->error && p->error_size > 0)
        snprintf(p->error, p->error_size, "invalid JSON at byte %zu: %s", p->pos, what);
}

static void agent_json_skip_space(agent_json_parser *p)
{
    while (p->pos < p->length) {
        char c = p->text[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++;
        else break;
    }
}

static agent_json_value *agent_json_new(agent_json_type type)
{
    agent_json_value *v = calloc(1, sizeof(agent_json_value));
    if (v) v->type = type;
    return v;
}

static agent_json_value *agent_json_parse_value(agent_json_parser *p);

static int agent_json_hex4(agent_json_parser *p, unsigned *out)
{
    unsigned v = 0;
    if (p->pos + 4 > p->length) return -1;
    for (int i = 0; i < 4; i++) {
        char c = p->text[p->pos + i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    p->pos += 4;
    *out = v;
    return 0;
}

static void agent_json_put_utf8(agent_json_buffer *b, unsigned cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) { out[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    agent_json_buffer_append(b, out, n);
}

/* Parses a string starting at the opening quote; returns malloc'd bytes. */
static char *agent_json_parse_string_raw(agent_json_parser *p, size_t *out_length)
{
    agent_json_buffer b = {0};
    p->pos++; /* opening quote */
    while (p->pos < p->length) {
        unsigned char c = (unsigned char)p->text[p->pos];
        if (c == '"') {
            p->pos++;
            if (!b.data) agent_json_buffer_append(&b, "", 0);
            if (b.failed) { agent_json_buffer_free(&b); agent_json_fail(p, "out of memory"); return NULL; }
            return agent_json_buffer_take(&b, out_length);
        }
        if (c < 0x20) { agent_json_buffer_free(&b); agent_json_fail(p, "control character in string"); return NULL; }
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->length) break;
            char e = p->text[p->pos++];
            switch (e) {
            case '"': agent_json_buffer_append(&b, "\"", 1); break;
            case '\\': agent_json_buffer_append(&b, "\\", 1); break;
            case '/': agent_json_buffer_append(&b, "/", 1); break;
            case 'b': agent_json_buffer_append(&b, "\b", 1); break;
            case 'f': agent_json_buffer_append(&b, "\f", 1); break;
            case 'n': agent_json_buffer_append(&b, "\n", 1); break;
            case 'r': agent_json_buffer_append(&b, "\r", 1); break;
            case 't': agent_json_buffer_append(&b, "\t", 1); break;
            case 'u': {
                unsigned cp;
                if (agent_json_hex4(p, &cp) != 0) { agent_json_buffer_free(&b); agent_json_fail(p, "bad \\u escape"); return NULL; }
                if (cp >= 0xD800 && cp <= 0xDBFF && p->pos + 6 <= p->length && p->text[p->pos] == '\\' &&
                    p->text[p->pos + 1] == 'u') {
                    unsigned lo;
                    size_t save = p->pos;
                    p->pos += 2;
                    if (agent_json_hex4(p, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else { p->pos = save; cp = 0xFFFD; }
                } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                agent_json_put_utf8(&b, cp);
                break;
            }
            default: agent_json_buffer_free(&b); agent_json_fail(p, "unknown escape"); return NULL;
            }
            continue;
        }
        agent_json_buffer_append(&b, (const char *)&p->text[p->pos], 1);
        p->pos++;
    }
    agent_json_buffer_free(&b);
    agent_json_fail(p, "unterminated string");
    return NULL;
}

static int agent_json_push(agent_json_value *parent, char *key, agent_json_value *child)
{
    size_t n = parent->count + 1;
    agent_json_value **items = realloc(parent->items, n * sizeof(*items));
    if (!items) return -1;
    parent->items = items;
    if (parent->type == AGENT_JSON_OBJECT) {
        char **keys = realloc(parent->keys, n * sizeof(*keys));
        if (!keys) return -1;
        parent->keys = keys;
        keys[n - 1] = key;
    }
    items[n - 1] = child;
    parent->count = n;
    return 0;
}

static agent_json_value *agent_json_parse_container(agent_json_parser *p, int object)
{
    agent_json_value *v = agent_json_new(object ? AGENT_JSON_OBJECT : AGENT_JSON_ARRAY);
    if (!v) { agent_json_fail(p, "out of memory"); return NULL; }
    if (++p->depth > AGENT_JSON_MAX_PARSE_DEPTH) { agent_json_fail(p, "nesting too deep"); agent_json_free(v); return NULL; }
    p->pos++;
    agent_json_skip_space(p);
    char close = object ? '}' : ']';
    if (p->pos < p->length && p->text[p->pos] == close) { p->pos++; p->depth--; return v; }
    for (;;) {
        char *key = NULL;
        agent_json_skip_space(p);
        if (object) {
            if (p->pos >= p->length || p->text[p->pos] != '"') { agent_json_fail(p, "expected a string key"); break; }
            size_t klen;
            key = agent_json_parse_string_raw(p, &klen);
            if (!key) break;
            agent_json_skip_space(p);
            if (p->pos >= p->length || p->text[p->pos] != ':') { free(key); agent_json_fail(p, "expected ':'"); break; }
            p->pos++;
        }
        agent_json_value *child = agent_json_parse_value(p);
        if (!child) { free(key); break; }
        if (agent_json_push(v, key, child) != 0) { free(key); agent_json_free(child); agent_json_fail(p, "out of memory"); break; }
        agent_json_skip_space(p);
        if (p->pos < p->length && p->text[p->pos] == ',') { p->pos++; continue; }
        if (p->pos < p->length && p->text[p->pos] == close) { p->pos++; p->depth--; return v; }
        agent_json_fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    agent_json_free(v);
    return NULL;
}

static int agent_json_match(agent_json_parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->pos + n <= p->length && memcmp(p->text + p->pos, word, n) == 0) { p->pos += n; return 1; }
    return 0;
}

static agent_json_value *agent_json_parse_value(agent_json_parser *p)
{
    agent_json_skip_space(p);
    if (p->pos >= p->length) { agent_json_fail(p, "unexpected end of input"); return NULL; }
    char c = p->text[p->pos];
    if (c == '{') return agent_json_parse_container(p, 1);
    if (c == '[') return agent_json_parse_container(p, 0);
    if (c == '"') {
        size_t len;
        char *s = agent_json_parse_string_raw(p, &len);
        if (!s) return NULL;
        agent_json_value *v = agent_json_new(AGENT_JSON_STRING);
        if (!v) { free(s); agent_json_fail(p, "out of memory"); return NULL; }
        v->string = s;
        v->count = len;
        return v;
    }
    if (agent_json_match(p, "true") || agent_json_match(p, "false")) {
        agent_json_value *v = agent_json_new(AGENT_JSON_BOOL);
        if (v) v->boolean = p->text[p->pos - 1] == 'e' && p->text[p->pos - 2] == 'u';
        return v;
    }
    if (agent_json_match(p, "null")) return agent_json_new(AGENT_JSON_NULL);
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t start = p->pos;
        while (p->pos < p->length && strchr("+-0123456789.eE", p->text[p->pos])) p->pos++;
        char tmp[64];
        size_t n = p->pos - start;
        if (n >= sizeof tmp) { agent_json_fail(p, "number too long"); return NULL; }
        memcpy(tmp, p->text + start, n);
        tmp[n] = 0;
        char *end;
        double d = strtod(tmp, &end);
        if (*end != 0) { p->pos = start; agent_json_fail(p, "malformed number"); return NULL; }
        agent_json_value *v = agent_json_new(AGENT_JSON_NUMBER);
        if (v) v->number = d;
        return v;
    }
    agent_json_fail(p, "unexpected character");
    return NULL;
}

agent_json_value *agent_json_parse(const char *text, size_t length, char *error, size_t error_size)
{
    agent_json_parser p = {text, length, 0, 0, error, error_size, 0};
    if (error && error_size) error[0] = 0;
    if (!text) { agent_json_fail(&p, "no input"); return NULL; }
    agent_json_value *v = agent_json_parse_value(&p);
    if (!v) return NULL;
    agent_json_skip_space(&p);
    if (p.pos != p.length) { agent_json_fail(&p, "trailing characters after the value"); agent_json_free(v); return NULL; }
    return v;
}

void agent_json_free(agent_json_value *value)
{
    if (!value) return;
    for (size_t i = 0; i < value->count && value->items; i++) {
        agent_json_free(value->items[i]);
        if (value->keys) free(value->keys[i]);
    }
    free(value->items);
    free(value->keys);
    free(value->string);
    free(value);
}

/* ---- accessors ---- */

const agent_json_value *agent_json_get(const agent_json_value *object, const char *key)
{
    if (!object || object->type != AGENT_JSON_OBJECT || !key) return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (strcmp(object->keys[i], key) == 0) return object->items[i];
    return NULL;
}

const agent_json_value *agent_json_path(const agent_json_value *root, const char *path)
{
    char part[128];
    const agent_json_value *v = root;
    while (v && path && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof part) return NULL;
        memcpy(part, path, n);
        part[n] = 0;
        v = agent_json_get(v, part);
        path = dot ? dot + 1 : NULL;
    }
    return v;
}

const agent_json_value *agent_json_at(const agent_json_value *array, size_t index)
{
    if (!array || array->type != AGENT_JSON_ARRAY || index >= array->count) return NULL;
    return array->items[index];
}

size_t agent_json_count(const agent_json_value *value)
{
    if (!value || (value->type != AGENT_JSON_ARRAY && value->type != AGENT_JSON_OBJECT)) return 0;
    return value->count;
}

const char *agent_json_string(const agent_json_value *value, const char *fallback)
{
    if (!value || value->type != AGENT_JSON_STRING || value->count == 0) return fallback;
    return value->string;
}

double agent_json_number(const agent_json_value *value, double fallback)
{
    return value && value->type == AGENT_JSON_NUMBER ? value->number : fallback;
}

int agent_json_bool(const agent_json_value *value, int fallback)
{
    return value && value->type == AGENT_JSON_BOOL ? value->boolean : fallback;
}

int agent_json_is(const agent_json_value *value, agent_json_type type)
{
    return value && value->type == type;
}

/* ---- buffer ---- */

void agent_json_buffer_append(agent_json_buffer *b, const char *bytes, size_t length)
{
    if (b->failed) return;
    if (b->length + length + 1 > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 256;
        while (cap < b->length + length + 1) cap *= 2;
        char *data = realloc(b->data, cap);
        if (!data) { b->failed = 1; return; }
        b->data = data;
        b->capacity = cap;
    }
    if (length) memcpy(b->data + b->length, bytes, length);
    b->length += length;
    b->data[b->length] = 0;
}

void agent_json_buffer_puts(agent_json_buffer *b, const char *text)
{
    if (text) agent_json_buffer_append(b, text, strlen(text));
}

void agent_json_buffer_printf(agent_json_buffer *b, const char *format, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof small, format, ap);
    va_end(ap);
    if (n < 0) { b->failed = 1; return; }
    if ((size_t)n < sizeof small) { agent_json_buffer_append(b, small, (size_t)n); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) { b->failed = 1; return; }
    va_start(ap, format);
    vsnprintf(big, (size_t)n + 1, format, ap);
    va_end(ap);
    agent_json_buffer_append(b, big, (size_t)n);
    free(big);
}

void agent_json_buffer_put_xml(agent_json_buffer *b, const char *text)
{
    for (const char *s = text; s && *s; s++) {
        switch (*s) {
        case '&': agent_json_buffer_puts(b, "&amp;"); break;
        case '<': agent_json_buffer_puts(b, "&lt;"); break;
        case '>': agent_json_buffer_puts(b, "&gt;"); break;
        case '"': agent_json_buffer_puts(b, "&quot;"); break;
        case '\'': agent_json_buffer_puts(b, "&apos;"); break;
        default:
            /* XML 1.0 forbids most control characters; drop them. */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') break;
            agent_json_buffer_append(b, s, 1);
        }
    }
}

char *agent_json_buffer_take(agent_json_buffer *b, size_t *length)
{
    char *data = b->data;
    if (length) *length = b->length;
    if (b->failed) { free(data); data = NULL; if (length) *length = 0; }
    b->data = NULL;
    b->length = b->capacity = 0;
    b->failed = 0;
    return data;
}

void agent_json_buffer_free(agent_json_buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->length = b->capacity = 0;
    b->failed = 0;
}

/* ---- writer ---- */

static void agent_json_separator(agent_json_writer *w)
{
    if (w->after_key) { w->after_key = 0; return; }
    if (w->depth > 0 && w->has_value[w->depth - 1]) agent_json_buffer_append(&w->buffer, ",", 1);
    if (w->depth > 0) w->has_value[w->depth - 1] = 1;
}

static void agent_json_open(agent_json_writer *w, const char *bracket)
{
    agent_json_separator(w);
    agent_json_buffer_puts(&w->buffer, bracket);
    if (w->depth < AGENT_JSON_WRITER_MAX_DEPTH) w->has_value[w->depth] = 0;
    else w->buffer.failed = 1;
    w->depth++;
}

static void agent_json_close(agent_json_writer *w, const char *bracket)
{
    if (w->depth > 0) w->depth--;
    agent_json_buffer_puts(&w->buffer, bracket);
}

void agent_json_begin_object(agent_json_writer *w) { agent_json_open(w, "{"); }
void agent_json_end_object(agent_json_writer *w) { agent_json_close(w, "}"); }
void agent_json_begin_array(agent_json_writer *w) { agent_json_open(w, "["); }
void agent_json_end_array(agent_json_writer *w) { agent_json_close(w, "]"); }

/* Length of the valid UTF-8 sequence at `s` (1-4), or 0 when the bytes are not valid UTF-8. */
static size_t agent_json_utf8_length(const unsigned char *s, size_t remaining)
{
    size_t n;
    unsigned min;
    unsigned cp;
    if (s[0] < 0x80) return 1;
    if ((s[0] & 0xE0) == 0xC0) { n = 2; cp = s[0] & 0x1F; min = 0x80; }
    else if ((s[0] & 0xF0) == 0xE0) { n = 3; cp = s[0] & 0x0F; min = 0x800; }
    else if ((s[0] & 0xF8) == 0xF0) { n = 4; cp = s[0] & 0x07; min = 0x10000; }
    else return 0;
    if (n > remaining) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

void agent_json_utf8_trim(char *text)
{
    size_t n = text ? strlen(text) : 0;
    size_t start = n;
    while (start > 0 && n - start < 3 && ((unsigned char)text[start - 1] & 0xC0) == 0x80) start--;
    if (start == 0 || (unsigned char)text[start - 1] < 0x80) return;
    start--; /* the lead byte */
    if (agent_json_utf8_length((const unsigned char *)text + start, n - start) != n - start) text[start] = 0;
}

static void agent_json_quoted(agent_json_buffer *b, const char *text, size_t length)
{
    agent_json_buffer_append(b, "\"", 1);
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80) {
            size_t n = agent_json_utf8_length((const unsigned char *)text + i, length - i);
            if (n == 0) {
                agent_json_buffer_puts(b, "\ufffd");
            } else {
                agent_json_buffer_append(b, text + i, n);
                i += n - 1;
            }
            continue;
        }
        switch (c) {
        case '"': agent_json_buffer_puts(b, "\\\""); break;
        case '\\': agent_json_buffer_puts(b, "\\\\"); break;
        case '\n': agent_json_buffer_puts(b, "\\n"); break;
        case '\r': agent_json_buffer_puts(b, "\\r"); break;
        case '\t': agent_json_buffer_puts(b, "\\t"); break;
        default:
            if (c < 0x20) agent_json_buffer_printf(b, "\\u%04x", c);
            else agent_json_buffer_append(b, (const char *)&text[i], 1);
        }
    }
    agent_json_buffer_append(b, "\"", 1);
}

void agent_json_key(agent_json_writer *w, const char *key)
{
    agent_json_separator(w);
    agent_json_quoted(&w->buffer, key, strlen(key));
    agent_json_buffer_append(&w->buffer, ":", 1);
    w->after_key = 1;
}

void agent_json_string_value(agent_json_writer *w, const char *text)
{
    if (!text) { agent_json_null_value(w); return; }
    agent_json_separator(w);
    agent_json_quoted(&w->buffer, text, strlen(text));
}

void agent_json_number_value(agent_json_writer *w, double number)
{
    agent_json_separator(w);
    if (number != number || number > 1e300 || number < -1e300) { agent_json_buffer_puts(&w->buffer, "null"); return; }
    if (number == (double)(long long)number && number < 9e15 && number > -9e15)
        agent_json_buffer_printf(&w->buffer, "%lld", (long long)number);
    else
        agent_json_buffer_printf(&w->buffer, "%.6g", number);
}

void agent_json_bool_value(agent_json_writer *w, int value)
{
    agent_json_separator(w);
    agent_json_buffer_puts(&w->buffer, value ? "true" : "false");
}

void agent_json_null_value(agent_json_writer *w)
{
    agent_json_separator(w);
    agent_json_buffer_puts(&w->buffer, "null");
}

void agent_json_copy_value(agent_json_writer *w, const agent_json_value *v)
{
    if (!v) { agent_json_null_value(w); return; }
    switch (v->type) {
    case AGENT_JSON_NULL: agent_json_null_value(w); break;
    case AGENT_JSON_BOOL: agent_json_bool_value(w, v->boolean); break;
    case AGENT_JSON_NUMBER: agent_json_number_value(w, v->number); break;
    case AGENT_JSON_STRING:
        agent_json_separator(w);
        agent_json_quoted(&w->buffer, v->string, v->count);
        break;
    case AGENT_JSON_ARRAY:
        agent_json_begin_array(w);
        for (size_t i = 0; i < v->count; i++) agent_json_copy_value(w, v->items[i]);
        agent_json_end_array(w);
        break;
    case AGENT_JSON_OBJECT:
        agent_json_begin_object(w);
        for (size_t i = 0; i < v->count; i++) {
            agent_json_key(w, v->keys[i]);
            agent_json_copy_value(w, v->items[i]);
        }
        agent_json_end_object(w);
        break;
    }
}

void agent_json_put_string(agent_json_writer *w, const char *key, const char *text)
{
    agent_json_key(w, key);
    agent_json_string_value(w, text);
}

void agent_json_put_number(agent_json_writer *w, const char *key, double number)
{
    agent_json_key(w, key);
    agent_json_number_value(w, number);
}

void agent_json_put_bool(agent_json_writer *w, const char *key, int value)
{
    agent_json_key(w, key);
    agent_json_bool_value(w, value);
}

/* ---- files ---- */

int agent_json_make_dirs(const char *path)
{
    char tmp[4096];
    size_t n = path ? strlen(path) : 0;
    if (n == 0 || n >= sizeof tmp) { errno = ENAMETOOLONG; return -1; }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char saved = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
            tmp[i] = saved;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}

int agent_json_write_file(const char *folder, const char *name, const char *bytes, size_t length)
{
    char path[4096];
    if (agent_json_make_dirs(folder) != 0) return -1;
    int n = snprintf(path, sizeof path, "%s/%s", folder, name);
    if (n < 0 || (size_t)n >= sizeof path) { errno = ENAMETOOLONG; return -1; }
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t written = length ? fwrite(bytes, 1, length, f) : 0;
    int closed = fclose(f);
    if (written != length || closed != 0) return -1;
    return 0;
}
