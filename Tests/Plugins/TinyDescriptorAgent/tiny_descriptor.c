/* A plugin whose descriptor reports struct_size 16 (smaller than an ABI 1.0 descriptor):
 * the loader must refuse it, naming both sizes. */
#include "agent_plugin.h"

static const agent_plugin_descriptor tiny_descriptor = {
    AGENT_ABI_VERSION_MAJOR, AGENT_ABI_VERSION_MINOR, 16u, 0u, "tiny", "1.0.0", NULL,
    NULL, NULL, NULL, NULL, {0}};

AGENT_EXPORT const agent_plugin_descriptor *agent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor)
{
    (void)host_abi_major; (void)host_abi_minor;
    return &tiny_descriptor;
}
