/*
 * echo_agent.c — a small configurable test agent named "echo" (product TestEchoAgent).
 *
 * By default `run` logs "echo: received N bytes" at info level, reports progress 0.5
 * ("halfway"), and returns {"echo": <input>, "concurrent": K, "outstanding": M}, where K is
 * the number of `run` calls in flight when this one started (itself included) and M the
 * number of earlier outputs not yet released through `free_output`.
 *
 * Switches, found anywhere in the compact input JSON (top level or inside "campaign"), so
 * executor tests can steer it:
 *   "mode":"fail"       AGENT_STATUS_ERROR with the message "echo failed on request"
 *   "mode":"retryable"  AGENT_STATUS_RETRYABLE with "echo is busy, try again"
 *   "mode":"cancelled"  AGENT_STATUS_CANCELLED with no message
 *   "mode":"malformed"  AGENT_STATUS_OK with the invalid JSON text {"echo": [1, 2
 *   "mode":"array"      AGENT_STATUS_OK with the JSON array [1,2,3]
 *   "mode":"print"      writes "echo printed this to stdout" to stdout, then echoes
 *   "mode":"crash"      calls abort() (for process-isolation tests)
 *   "sleep_ms":N        sleeps N milliseconds in 1 ms steps before answering, polling
 *                       is_cancelled; returns AGENT_STATUS_CANCELLED when cancelled
 * Whenever is_cancelled is non-zero on entry, it returns AGENT_STATUS_CANCELLED ("echo
 * cancelled").
 *
 * Config (the manifest's `config`, read by `init`):
 *   "fail_init":true         init logs "echo init refused: fail_init is set" and fails
 *   "shutdown_marker":"PATH" shutdown appends the line "shutdown" to PATH (no escapes)
 */
#define _POSIX_C_SOURCE 200809L
#include "agent_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct echo_state {
    char shutdown_marker[1024];
} echo_state;

static int in_flight = 0;
static int outstanding = 0;

static const char *find_switch(const char *json, size_t length, const char *key)
{
    size_t key_length = strlen(key);
    size_t i;
    if (key_length > length) return NULL;
    for (i = 0; i + key_length <= length; i++) {
        if (memcmp(json + i, key, key_length) == 0) return json + i + key_length;
    }
    return NULL;
}

static int has_mode(const char *json, size_t length, const char *mode)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"mode\":\"%s\"", mode);
    return find_switch(json, length, pattern) != NULL;
}

static agent_status reply(agent_output *output, const char *text, size_t length, agent_status status)
{
    char *copy = malloc(length + 1);
    if (copy == NULL) return AGENT_STATUS_ERROR;
    memcpy(copy, text, length);
    copy[length] = '\0';
    output->data = copy;
    output->length = length;
    output->plugin_data = copy;
    __atomic_add_fetch(&outstanding, 1, __ATOMIC_SEQ_CST);
    return status;
}

static agent_status finish(agent_status status)
{
    __atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
    return status;
}

static agent_status echo_init(const agent_host *host, const char *config_json, size_t config_length,
                              void **state)
{
    echo_state *s;
    const char *marker;
    if (find_switch(config_json, config_length, "\"fail_init\":true") != NULL) {
        host->log(host, AGENT_LOG_ERROR, "echo init refused: fail_init is set");
        return AGENT_STATUS_ERROR;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL) return AGENT_STATUS_ERROR;
    marker = find_switch(config_json, config_length, "\"shutdown_marker\":\"");
    if (marker != NULL) {
        size_t n = 0;
        while (marker + n < config_json + config_length && marker[n] != '"' && n + 1 < sizeof s->shutdown_marker) {
            s->shutdown_marker[n] = marker[n];
            n++;
        }
    }
    *state = s;
    return AGENT_STATUS_OK;
}

static agent_status echo_run(void *state, const agent_host *host, const char *input, size_t length,
                             agent_output *output)
{
    char line[128];
    char header[96];
    const char *sleep_switch;
    int concurrent = __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
    (void)state;
    if (host->is_cancelled(host)) return finish(reply(output, "echo cancelled", 14, AGENT_STATUS_CANCELLED));
    snprintf(line, sizeof line, "echo: received %lu bytes", (unsigned long)length);
    host->log(host, AGENT_LOG_INFO, line);
    host->progress(host, 0.5, "halfway");

    sleep_switch = find_switch(input, length, "\"sleep_ms\":");
    if (sleep_switch != NULL) {
        long remaining = strtol(sleep_switch, NULL, 10);
        struct timespec step = {0, 1000000L};
        for (; remaining > 0; remaining--) {
            if (host->is_cancelled(host)) return finish(reply(output, "echo cancelled", 14, AGENT_STATUS_CANCELLED));
            nanosleep(&step, NULL);
        }
    }
    if (has_mode(input, length, "fail"))
        return finish(reply(output, "echo failed on request", 22, AGENT_STATUS_ERROR));
    if (has_mode(input, length, "retryable"))
        return finish(reply(output, "echo is busy, try again", 23, AGENT_STATUS_RETRYABLE));
    if (has_mode(input, length, "cancelled")) return finish(AGENT_STATUS_CANCELLED);
    if (has_mode(input, length, "malformed")) return finish(reply(output, "{\"echo\": [1, 2", 14, AGENT_STATUS_OK));
    if (has_mode(input, length, "array")) return finish(reply(output, "[1,2,3]", 7, AGENT_STATUS_OK));
    if (has_mode(input, length, "crash")) abort();
    if (has_mode(input, length, "print")) {
        printf("echo printed this to stdout\n");
        fflush(stdout);
    }

    {
        int header_length = snprintf(header, sizeof header, "{\"concurrent\":%d,\"outstanding\":%d,\"echo\":",
                                     concurrent, __atomic_load_n(&outstanding, __ATOMIC_SEQ_CST));
        size_t total = (size_t)header_length + length + 1;
        char *text = malloc(total + 1);
        agent_status status;
        if (text == NULL) return finish(AGENT_STATUS_ERROR);
        memcpy(text, header, (size_t)header_length);
        memcpy(text + header_length, input, length);
        text[total - 1] = '}';
        text[total] = '\0';
        status = reply(output, text, total, AGENT_STATUS_OK);
        free(text);
        return finish(status);
    }
}

static void echo_free_output(void *state, agent_output *output)
{
    (void)state;
    free(output->plugin_data);
    output->plugin_data = NULL;
    output->data = NULL;
    __atomic_sub_fetch(&outstanding, 1, __ATOMIC_SEQ_CST);
}

static void echo_shutdown(void *state)
{
    echo_state *s = state;
    if (s == NULL) return;
    if (s->shutdown_marker[0] != '\0') {
        FILE *file = fopen(s->shutdown_marker, "a");
        if (file != NULL) {
            fputs("shutdown\n", file);
            fclose(file);
        }
    }
    free(s);
}

AGENT_PLUGIN_DEFINE("echo", "1.2.3", "Echoes its input; a configurable agent for tests", echo_init, echo_run,
                    echo_free_output, echo_shutdown)
