/* A plugin whose entry returns NULL: it declines to serve any host. */
#include "agent_plugin.h"

AGENT_EXPORT const agent_plugin_descriptor *agent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor)
{
    (void)host_abi_major; (void)host_abi_minor;
    return NULL;
}
