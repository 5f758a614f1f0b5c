/*
 * cfunction_types.c — plain C functions (no AgentHost ABI) called as c-function agents by
 * Tests/AgentRuntimeTests/CFunction*Tests.swift (product TestCFunctionTypes).
 *
 * One identity-like function per signature type, so each value's trip host -> C -> host is
 * visible, a few functions of several arguments, and string returners:
 *   cft_echo_string       returns a malloc'ed copy the caller releases with cft_free_string
 *   cft_free_string       frees it and counts the call (cft_free_count reads the count)
 *   cft_null_string       returns NULL
 *   cft_invalid_utf8      returns a static string that is not valid UTF-8 (never freed)
 * Every exported symbol carries the `cft_` prefix.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CFT_EXPORT __attribute__((visibility("default")))

CFT_EXPORT int32_t cft_int32(int32_t value) { return value; }
CFT_EXPORT int64_t cft_int64(int64_t value) { return value; }
CFT_EXPORT uint32_t cft_uint32(uint32_t value) { return value; }
CFT_EXPORT uint64_t cft_uint64(uint64_t value) { return value; }
CFT_EXPORT double cft_double(double value) { return value; }
CFT_EXPORT float cft_float(float value) { return value; }
CFT_EXPORT bool cft_bool(bool value) { return value; }
CFT_EXPORT bool cft_not(bool value) { return !value; }

/* Negates a 32-bit integer: shows a negative int32 return is sign-extended correctly. */
CFT_EXPORT int32_t cft_negate_int32(int32_t value) { return -value; }

/* UINT32_MAX - value: shows a uint32 return above INT32_MAX is read unsigned. */
CFT_EXPORT uint32_t cft_complement_uint32(uint32_t value) { return UINT32_MAX - value; }

/* a + b: the two-argument function cfunction-bench calls. */
CFT_EXPORT int64_t cft_add_int64(int64_t a, int64_t b) { return a + b; }

/* Mixed argument types in one call: (int32)i + (int64)j + (double)d + (float)f + (bool)b. */
CFT_EXPORT double cft_mixed(int32_t i, int64_t j, double d, float f, bool b, uint32_t u)
{
    return (double)i + (double)j + d + (double)f + (b ? 1000.0 : 0.0) + (double)u;
}

/* Byte length of a string (strlen), as int64. */
CFT_EXPORT int64_t cft_string_length(const char *text) { return text ? (int64_t)strlen(text) : -1; }

static int free_count = 0;

/* A malloc'ed copy of `text`; release it with cft_free_string. */
CFT_EXPORT char *cft_echo_string(const char *text)
{
    size_t length = strlen(text);
    char *copy = malloc(length + 1);
    if (copy) memcpy(copy, text, length + 1);
    return copy;
}

/* Releases a string from cft_echo_string and counts the call. */
CFT_EXPORT void cft_free_string(char *text)
{
    __atomic_add_fetch(&free_count, 1, __ATOMIC_SEQ_CST);
    free(text);
}

/* How many times cft_free_string has run in this copy of the library. */
CFT_EXPORT int32_t cft_free_count(void) { return __atomic_load_n(&free_count, __ATOMIC_SEQ_CST); }

/* Always NULL. */
CFT_EXPORT const char *cft_null_string(void) { return NULL; }

/* A static string whose bytes are not UTF-8 (0xFF never occurs in UTF-8). */
CFT_EXPORT const char *cft_invalid_utf8(void) { return "bad \xff byte"; }

/* UINT64_MAX: a uint64 result no JSON integer holds exactly. */
CFT_EXPORT uint64_t cft_uint64_max(void) { return UINT64_MAX; }

/* a / b: NaN for 0/0 and an infinity for x/0, results JSON cannot hold. */
CFT_EXPORT double cft_divide(double a, double b) { return a / b; }
