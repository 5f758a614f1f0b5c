/* A plugin whose descriptor claims ABI 99.0: the loader must refuse it, naming both
 * versions. */
#include "agent_plugin.h"

static agent_status future_run(void *state, const agent_host *host, const char *input, size_t length,
                               agent_output *output)
{
    (void)state; (void)host; (void)input; (void)length; (void)output;
    return AGENT_STATUS_ERROR;
}

static void future_free_output(void *state, agent_output *output) { (void)state; (void)output; }

static const agent_plugin_descriptor future_descriptor = {
    99u, 0u, (uint32_t)sizeof(agent_plugin_descriptor), 0u, "future", "99.0.0", "Speaks ABI 99",
    NULL, future_run, future_free_output, NULL, {0}};

AGENT_EXPORT const agent_plugin_descriptor *agent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor)
{
    (void)host_abi_major; (void)host_abi_minor;
    return &future_descriptor;
}
