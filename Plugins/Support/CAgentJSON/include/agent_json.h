/*
 * agent_json.h — a small JSON reader and writer for the C sample plugins.
 *
 * Reader: `agent_json_parse` builds a tree of `agent_json_value` nodes (objects keep their
 * key order) that `agent_json_free` releases. Accessors are NULL-tolerant, so
 * `agent_json_string(agent_json_get(obj, "title"), "Untitled")` never crashes on a missing
 * or mistyped field.
 * Writer: `agent_json_writer` appends compact JSON to a growing buffer, inserting commas
 * itself. `agent_json_buffer` is also a plain string builder for artifacts.
 * Every symbol starts with `agent_json_`.
 */
#ifndef AGENT_JSON_H
#define AGENT_JSON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Kind of a JSON value. */
typedef enum agent_json_type {
    AGENT_JSON_NULL = 0,
    AGENT_JSON_BOOL,
    AGENT_JSON_NUMBER,
    AGENT_JSON_STRING,
    AGENT_JSON_ARRAY,
    AGENT_JSON_OBJECT
} agent_json_type;

/** One parsed JSON value; owned by the tree returned from `agent_json_parse`. */
typedef struct agent_json_value {
    /** The value's kind. */
    agent_json_type type;
    /** AGENT_JSON_BOOL: 0 or 1. */
    int boolean;
    /** AGENT_JSON_NUMBER: the value. */
    double number;
    /** AGENT_JSON_STRING: NUL-terminated UTF-8 (may contain NUL if the JSON did). */
    char *string;
    /** Number of bytes in `string`, or number of children for arrays and objects. */
    size_t count;
    /** AGENT_JSON_ARRAY / AGENT_JSON_OBJECT: the children, `count` of them. */
    struct agent_json_value **items;
    /** AGENT_JSON_OBJECT: the keys, parallel to `items`. */
    char **keys;
} agent_json_value;

/**
 * Parses `length` bytes of UTF-8 JSON. Returns the root, or NULL with a message naming the
 * byte offset written into `error` (of `error_size` bytes; may be NULL).
 */
agent_json_value *agent_json_parse(const char *text, size_t length, char *error, size_t error_size);
/** Releases a tree returned by `agent_json_parse`; NULL is ignored. */
void agent_json_free(agent_json_value *value);

/** The member `key` of an object, or NULL when absent or `object` is not an object. */
const agent_json_value *agent_json_get(const agent_json_value *object, const char *key);
/** Follows a dotted path of object keys ("campaign.title"); NULL when any step is missing. */
const agent_json_value *agent_json_path(const agent_json_value *root, const char *path);
/** Element `index` of an array, or NULL. */
const agent_json_value *agent_json_at(const agent_json_value *array, size_t index);
/** Number of elements of an array or members of an object; 0 for anything else. */
size_t agent_json_count(const agent_json_value *value);
/** The string's text, or `fallback` when `value` is not a non-empty string. */
const char *agent_json_string(const agent_json_value *value, const char *fallback);
/** The number, or `fallback` when `value` is not a number. */
double agent_json_number(const agent_json_value *value, double fallback);
/** The boolean, or `fallback` when `value` is not a boolean. */
int agent_json_bool(const agent_json_value *value, int fallback);
/** Non-zero when `value` is present and of `type`. */
int agent_json_is(const agent_json_value *value, agent_json_type type);

/** A growing, NUL-terminated byte buffer. Zero-initialise it before use. */
typedef struct agent_json_buffer {
    /** The bytes, NUL-terminated; NULL until something is appended. Owned by the buffer. */
    char *data;
    /** Bytes used, without the NUL. */
    size_t length;
    /** Bytes allocated. */
    size_t capacity;
    /** Set when an allocation failed; later appends are ignored. */
    int failed;
} agent_json_buffer;

/** Appends `length` bytes. */
void agent_json_buffer_append(agent_json_buffer *buffer, const char *bytes, size_t length);
/** Appends a NUL-terminated string. */
void agent_json_buffer_puts(agent_json_buffer *buffer, const char *text);
/** Appends printf-formatted text. */
void agent_json_buffer_printf(agent_json_buffer *buffer, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/** Appends `text` escaped for XML/HTML text and attribute values. */
void agent_json_buffer_put_xml(agent_json_buffer *buffer, const char *text);
/** Gives up the bytes: returns `data` (caller frees with free) and resets the buffer. */
char *agent_json_buffer_take(agent_json_buffer *buffer, size_t *length);
/** Frees the bytes and resets the buffer. */
void agent_json_buffer_free(agent_json_buffer *buffer);

/** Maximum nesting depth of `agent_json_writer`. */
#define AGENT_JSON_WRITER_MAX_DEPTH 64

/** Writes compact JSON into `buffer`, managing commas. Zero-initialise before use. */
typedef struct agent_json_writer {
    /** Where the JSON goes. */
    agent_json_buffer buffer;
    /** Current nesting depth. */
    int depth;
    /** Per depth: non-zero once a value was written at that level. */
    unsigned char has_value[AGENT_JSON_WRITER_MAX_DEPTH];
    /** Non-zero right after a key, so the next value takes no comma. */
    int after_key;
} agent_json_writer;

/** Opens an object `{`. */
void agent_json_begin_object(agent_json_writer *writer);
/** Closes an object `}`. */
void agent_json_end_object(agent_json_writer *writer);
/** Opens an array `[`. */
void agent_json_begin_array(agent_json_writer *writer);
/** Closes an array `]`. */
void agent_json_end_array(agent_json_writer *writer);
/** Writes an object key; the next call writes its value. */
void agent_json_key(agent_json_writer *writer, const char *key);
/** Writes a string value (NULL writes null); invalid UTF-8 bytes become U+FFFD. */
void agent_json_string_value(agent_json_writer *writer, const char *text);
/** Writes a number; integers print without a fraction, others with up to 6 digits. */
void agent_json_number_value(agent_json_writer *writer, double number);
/** Writes true or false. */
void agent_json_bool_value(agent_json_writer *writer, int value);
/** Writes null. */
void agent_json_null_value(agent_json_writer *writer);
/** Copies a parsed value (and its children) into the writer. */
void agent_json_copy_value(agent_json_writer *writer, const agent_json_value *value);
/** Shorthand: key + string value. */
void agent_json_put_string(agent_json_writer *writer, const char *key, const char *text);
/** Shorthand: key + number value. */
void agent_json_put_number(agent_json_writer *writer, const char *key, double number);
/** Shorthand: key + boolean value. */
void agent_json_put_bool(agent_json_writer *writer, const char *key, int value);

/** Cuts NUL-terminated `text` before a trailing incomplete UTF-8 sequence (after snprintf). */
void agent_json_utf8_trim(char *text);

/** Creates `path` and its missing parents (mode 0755). Returns 0 on success, -1 with errno. */
int agent_json_make_dirs(const char *path);
/** Writes `length` bytes to `folder/name`, replacing it. Returns 0 on success, -1 with errno. */
int agent_json_write_file(const char *folder, const char *name, const char *bytes, size_t length);

#ifdef __cplusplus
}
#endif

#endif /* AGENT_JSON_H */
