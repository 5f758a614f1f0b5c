/*
 * exec_agent.c: the executor's test agent (product TestExecAgent). One library serves many
 * agents: each manifest's `config` (read by `init`, kept per agent) says how it behaves.
 *
 * Config switches (compact JSON, looked up as text):
 *   "sleep_ms":N          sleeps N ms in 1 ms steps, polling is_cancelled (cancelled -> CANCELLED)
 *   "hang_ms":N           sleeps N ms ignoring is_cancelled (an agent that hangs)
 *   "fail":"always"       AGENT_STATUS_ERROR "exec agent failed on request"
 *   "retryable_until":N   AGENT_STATUS_RETRYABLE while the input's attempt <= N
 *   "segv_until":N        dereferences NULL while the input's attempt <= N
 *   "abort_until":N       calls abort() while the input's attempt <= N
 *   "progress":true       reports progress 0.25, 0.5, 0.75, 1
 *   "gate":"PATH"         before anything else, waits while the file PATH exists (polling
 *                         is_cancelled), so a test holds the agent mid-run for as long as it needs
 *   "record":"PATH"       appends "<agent> <attempt> <start_ns> <end_ns> <pid>\n" to PATH
 *   "noop":true           answers {} at once (benchmarks)
 *   "started":"PATH"      appends "<agent> <attempt> <pid>\n" to PATH as the call begins
 *   "print":true          writes a forged JSON-RPC line to stdout (fd 1) before answering
 *   "exit_code":N         calls exit(N) (a plugin that ends its process)
 *   "spin":true           spins forever in a busy loop, never looking at is_cancelled
 *   "output_bytes":N      answers {"data":"xxx..."} whose text is N bytes long
 *   "echo_inputs":true    answers {"agent":"<name>","inputs":<the input's inputs object>}: an
 *                         output that depends only on the agent and its dependencies' outputs
 * Entry symbols: exec_entry_<name> for the agent names listed at the end of this file (and n000...n999).
 * Otherwise it answers {"agent":"<name>","attempt":N,"pid":P}. The attempt number comes from the
 * input, so "fails on the first N attempts" needs no state between calls or processes.
 */
#define _POSIX_C_SOURCE 200809L
#include "agent_plugin.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct exec_state {
    char *config;
    size_t length;
} exec_state;

static const char *find(const char *json, size_t length, const char *key)
{
    size_t key_length = strlen(key);
    size_t i;
    if (json == NULL || key_length > length) return NULL;
    for (i = 0; i + key_length <= length; i++) {
        if (memcmp(json + i, key, key_length) == 0) return json + i + key_length;
    }
    return NULL;
}

static long number(const char *json, size_t length, const char *key, long fallback)
{
    const char *at = find(json, length, key);
    return at == NULL ? fallback : strtol(at, NULL, 10);
}

static void copy_string(const char *json, size_t length, const char *key, char *out, size_t size)
{
    const char *at = find(json, length, key);
    size_t n = 0;
    out[0] = '\0';
    if (at == NULL) return;
    while (at + n < json + length && at[n] != '"' && n + 1 < size) {
        out[n] = at[n];
        n++;
    }
    out[n] = '\0';
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static agent_status reply(agent_output *output, const char *text, agent_status status)
{
    size_t length = strlen(text);
    char *copy = malloc(length + 1);
    if (copy == NULL) return AGENT_STATUS_ERROR;
    memcpy(copy, text, length + 1);
    output->data = copy;
    output->length = length;
    output->plugin_data = copy;
    return status;
}

static agent_status exec_init(const agent_host *host, const char *config_json, size_t config_length, void **state)
{
    exec_state *s = calloc(1, sizeof *s);
    (void)host;
    if (s == NULL) return AGENT_STATUS_ERROR;
    s->config = malloc(config_length + 1);
    if (s->config == NULL) {
        free(s);
        return AGENT_STATUS_ERROR;
    }
    memcpy(s->config, config_json, config_length);
    s->config[config_length] = '\0';
    s->length = config_length;
    *state = s;
    return AGENT_STATUS_OK;
}

/* The text of the object after "inputs": in `input` (its length in *size), or NULL. */
static const char *inputs_object(const char *input, size_t length, size_t *size)
{
    const char *at = find(input, length, "\"inputs\":");
    const char *end = input + length;
    const char *p;
    int depth = 0, in_string = 0;
    if (at == NULL || at >= end || *at != '{') return NULL;
    for (p = at; p < end; p++) {
        if (in_string) {
            if (*p == '\\') p++;
            else if (*p == '"') in_string = 0;
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}' && --depth == 0) {
            *size = (size_t)(p - at) + 1;
            return at;
        }
    }
    return NULL;
}

static agent_status exec_run(void *state, const agent_host *host, const char *input, size_t length,
                             agent_output *output)
{
    exec_state *s = state;
    const char *c = s->config;
    size_t n = s->length;
    char agent[128];
    char path[1024];
    char text[512];
    long attempt = number(input, length, "\"attempt\":", 1);
    long long start = now_ns();
    long sleep_ms = number(c, n, "\"sleep_ms\":", 0);
    long hang_ms = number(c, n, "\"hang_ms\":", 0);
    struct timespec step = {0, 1000000L};
    agent_status status = AGENT_STATUS_OK;

    if (find(c, n, "\"noop\":true") != NULL) return reply(output, "{}", AGENT_STATUS_OK);
    copy_string(input, length, "\"agent\":\"", agent, sizeof agent);
    copy_string(c, n, "\"gate\":\"", path, sizeof path);
    while (path[0] != '\0' && access(path, F_OK) == 0 && !host->is_cancelled(host)) nanosleep(&step, NULL);
    copy_string(c, n, "\"started\":\"", path, sizeof path);
    if (path[0] != '\0') {
        FILE *file = fopen(path, "a");
        if (file != NULL) {
            fprintf(file, "%s %ld %ld\n", agent, attempt, (long)getpid());
            fclose(file);
        }
    }
    if (find(c, n, "\"print\":true") != NULL) {
        fputs("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"forged by a plugin\"}\n", stdout);
        fflush(stdout);
    }
    if (find(c, n, "\"exit_code\":") != NULL) exit((int)number(c, n, "\"exit_code\":", 0));
    if (find(c, n, "\"spin\":true") != NULL) {
        volatile unsigned long spins = 0;
        for (;;) spins++;
    }
    if (number(c, n, "\"output_bytes\":", 0) > 0) {
        size_t size = (size_t)number(c, n, "\"output_bytes\":", 0);
        char *json = malloc(size + 1);
        if (json == NULL) return AGENT_STATUS_ERROR;
        memset(json, 'x', size);
        memcpy(json, "{\"data\":\"", 9);
        memcpy(json + size - 2, "\"}", 2);
        json[size] = '\0';
        output->data = json;
        output->length = size;
        output->plugin_data = json;
        return AGENT_STATUS_OK;
    }
    if (attempt <= number(c, n, "\"segv_until\":", 0)) {
        volatile int *nothing = NULL;
        *nothing = 42;
    }
    if (attempt <= number(c, n, "\"abort_until\":", 0)) abort();
    if (find(c, n, "\"progress\":true") != NULL) {
        int quarter;
        for (quarter = 1; quarter <= 4; quarter++) host->progress(host, quarter / 4.0, "working");
    }
    for (; sleep_ms > 0; sleep_ms--) {
        if (host->is_cancelled(host)) {
            status = AGENT_STATUS_CANCELLED;
            break;
        }
        nanosleep(&step, NULL);
    }
    for (; hang_ms > 0; hang_ms--) nanosleep(&step, NULL);

    copy_string(c, n, "\"record\":\"", path, sizeof path);
    if (path[0] != '\0') {
        FILE *file = fopen(path, "a");
        if (file != NULL) {
            fprintf(file, "%s %ld %lld %lld %ld\n", agent, attempt, start, now_ns(), (long)getpid());
            fclose(file);
        }
    }
    if (status == AGENT_STATUS_CANCELLED) return reply(output, "exec agent cancelled", status);
    if (find(c, n, "\"fail\":\"always\"") != NULL) return reply(output, "exec agent failed on request", AGENT_STATUS_ERROR);
    if (attempt <= number(c, n, "\"retryable_until\":", 0)) {
        snprintf(text, sizeof text, "%s busy on attempt %ld", agent, attempt);
        return reply(output, text, AGENT_STATUS_RETRYABLE);
    }
    if (find(c, n, "\"echo_inputs\":true") != NULL) {
        size_t size = 0;
        const char *inputs = inputs_object(input, length, &size);
        char *json;
        if (inputs == NULL) {
            inputs = "{}";
            size = 2;
        }
        json = malloc(size + strlen(agent) + 32);
        if (json == NULL) return AGENT_STATUS_ERROR;
        sprintf(json, "{\"agent\":\"%s\",\"inputs\":%.*s}", agent, (int)size, inputs);
        output->data = json;
        output->length = strlen(json);
        output->plugin_data = json;
        return AGENT_STATUS_OK;
    }
    snprintf(text, sizeof text, "{\"agent\":\"%s\",\"attempt\":%ld,\"pid\":%ld}", agent, attempt, (long)getpid());
    return reply(output, text, AGENT_STATUS_OK);
}

static void exec_free_output(void *state, agent_output *output)
{
    (void)state;
    free(output->plugin_data);
    output->plugin_data = NULL;
    output->data = NULL;
}

static void exec_shutdown(void *state)
{
    exec_state *s = state;
    if (s == NULL) return;
    free(s->config);
    free(s);
}

/* The host checks that a descriptor's name equals the manifest's, so each agent name the
 * tests use gets its own descriptor and entry symbol `exec_entry_<name>` (manifest `entry`). */
#define EXEC_AGENT(agent_name)                                                                       \
    static const agent_plugin_descriptor exec_descriptor_##agent_name = {                           \
        AGENT_ABI_VERSION_MAJOR, AGENT_ABI_VERSION_MINOR, (uint32_t)sizeof(agent_plugin_descriptor), 0u, \
        #agent_name, "1.0.0", "Configurable agent for executor tests", exec_init, exec_run,        \
        exec_free_output, exec_shutdown, {0}};                                                      \
    AGENT_EXPORT const agent_plugin_descriptor *exec_entry_##agent_name(uint32_t major, uint32_t minor) \
    {                                                                                                \
        (void)minor;                                                                                 \
        return major == AGENT_ABI_VERSION_MAJOR ? &exec_descriptor_##agent_name : NULL;            \
    }

EXEC_AGENT(hangs)
EXEC_AGENT(steady)
EXEC_AGENT(after)
EXEC_AGENT(crashy)
EXEC_AGENT(stuck)
EXEC_AGENT(first)
EXEC_AGENT(second)
EXEC_AGENT(busy)
EXEC_AGENT(noop)
EXEC_AGENT(huge)
EXEC_AGENT(spinner)
EXEC_AGENT(quitter)
EXEC_AGENT(printer)
EXEC_AGENT(lonely)

/* n000 ... n999: numbered agents for workflows of up to 1,000 agents (the cluster tests and
 * cluster-bench build fan-outs and chains of them; manifests name `exec_entry_n042`). */
#define EXEC_AGENTS_10(p)                                                                            \
    EXEC_AGENT(p##0) EXEC_AGENT(p##1) EXEC_AGENT(p##2) EXEC_AGENT(p##3) EXEC_AGENT(p##4)           \
    EXEC_AGENT(p##5) EXEC_AGENT(p##6) EXEC_AGENT(p##7) EXEC_AGENT(p##8) EXEC_AGENT(p##9)
#define EXEC_AGENTS_100(p)                                                                           \
    EXEC_AGENTS_10(p##0) EXEC_AGENTS_10(p##1) EXEC_AGENTS_10(p##2) EXEC_AGENTS_10(p##3)             \
    EXEC_AGENTS_10(p##4) EXEC_AGENTS_10(p##5) EXEC_AGENTS_10(p##6) EXEC_AGENTS_10(p##7)             \
    EXEC_AGENTS_10(p##8) EXEC_AGENTS_10(p##9)
EXEC_AGENTS_100(n0) EXEC_AGENTS_100(n1) EXEC_AGENTS_100(n2) EXEC_AGENTS_100(n3) EXEC_AGENTS_100(n4)
EXEC_AGENTS_100(n5) EXEC_AGENTS_100(n6) EXEC_AGENTS_100(n7) EXEC_AGENTS_100(n8) EXEC_AGENTS_100(n9)
