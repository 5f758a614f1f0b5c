/*
 * agent_plugin_support.h — the run/free_output plumbing every C sample plugin repeats:
 * parsing the input into a JSON object, putting an error message or a JSON buffer into the
 * `agent_output`, and releasing it again.
 *
 * Ownership: whatever these functions put into an `agent_output` is one malloc'd block kept
 * in `output->plugin_data`; `agent_output_release` frees it. Use it as the plugin's
 * `free_output`, so the two always agree. Every function is thread-safe: none keeps state.
 * Every symbol starts with `agent_`.
 */
#ifndef AGENT_PLUGIN_SUPPORT_H
#define AGENT_PLUGIN_SUPPORT_H

#include "agent_json.h"
#include "agent_plugin.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Puts a copy of `message` into `output` as the text of a failed run (data, length and
 * plugin_data). When the copy cannot be allocated, `output` is left as it was.
 */
void agent_output_set_error(agent_output *output, const char *message);

/**
 * Hands the bytes of `buffer` to `output` and resets the buffer. Returns AGENT_STATUS_OK;
 * when the buffer holds nothing (an allocation failed while writing), puts
 * "<agent_name>: out of memory while writing the output" into `output` instead and returns
 * AGENT_STATUS_ERROR.
 */
agent_status agent_output_take_buffer(agent_output *output, agent_json_buffer *buffer, const char *agent_name);

/**
 * Frees what `agent_output_set_error` or `agent_output_take_buffer` put into `output` and
 * clears its data, length and plugin_data. Has the `agent_free_output_fn` signature, so it
 * can be passed to AGENT_PLUGIN_DEFINE directly; `state` is unused.
 */
void agent_output_release(void *state, agent_output *output);

/**
 * Parses `length` bytes of `json` and returns the tree when its root is an object (release
 * it with `agent_json_free`). Otherwise returns NULL and puts
 * "<agent_name>: input is not a JSON object (<parse error or 'got another type'>)" into
 * `output`.
 */
agent_json_value *agent_input_parse_object(const char *json, size_t length, const char *agent_name,
                                           agent_output *output);

#ifdef __cplusplus
}
#endif

#endif /* AGENT_PLUGIN_SUPPORT_H */
