/*
 * noop_agent.c — the agent-v1 side of cfunction-bench (product BenchNoopAgent): an agent
 * named "noop" whose run ignores its input and returns the constant object {"sum":0}, so
 * the benchmark measures the host's per-call overhead, not the plugin's work.
 */
#include "agent_plugin.h"

#include <string.h>

static const char noop_output[] = "{\"sum\":0}";

static agent_status noop_run(void *state, const agent_host *host, const char *input, size_t length,
                             agent_output *output)
{
    (void)state;
    (void)host;
    (void)input;
    (void)length;
    output->data = noop_output;
    output->length = sizeof noop_output - 1;
    return AGENT_STATUS_OK;
}

/* The output is static: nothing to release. */
static void noop_free_output(void *state, agent_output *output)
{
    (void)state;
    (void)output;
}

AGENT_PLUGIN_DEFINE("noop", "1.0.0", "Returns {\"sum\":0} and does nothing else", NULL, noop_run, noop_free_output,
                    NULL)
