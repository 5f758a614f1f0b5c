/* A plugin whose full-size descriptor has no `run` function: the loader must say that
 * `run` is required. */
#include "agent_plugin.h"

static void no_run_free_output(void *state, agent_output *output) { (void)state; (void)output; }

AGENT_PLUGIN_DEFINE("no_run", "1.0.0", "Forgot its run function", NULL, NULL, no_run_free_output, NULL)
