/* A shared library that exports a function but not `agent_plugin_entry`: the loader must
 * report the missing entry symbol. */
#include "agent_plugin.h"

AGENT_EXPORT int no_entry_agent_answer(void);

AGENT_EXPORT int no_entry_agent_answer(void) { return 42; }
