/*
 * agent_plugin_support.c — output and input plumbing shared by the C sample plugins.
 * See agent_plugin_support.h.
 */
#include "agent_plugin_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void agent_output_set_error(agent_output *output, const char *message)
{
    size_t n = strlen(message);
    char *copy = malloc(n + 1);
    if (!copy) return;
    memcpy(copy, message, n + 1);
    output->data = copy;
    output->length = n;
    output->plugin_data = copy;
}

agent_status agent_output_take_buffer(agent_output *output, agent_json_buffer *buffer, const char *agent_name)
{
    size_t length;
    char *json = agent_json_buffer_take(buffer, &length);
    if (!json) {
        char message[160];
        snprintf(message, sizeof message, "%.64s: out of memory while writing the output", agent_name);
        agent_output_set_error(output, message);
        return AGENT_STATUS_ERROR;
    }
    output->data = json;
    output->length = length;
    output->plugin_data = json;
    return AGENT_STATUS_OK;
}

void agent_output_release(void *state, agent_output *output)
{
    (void)state;
    free(output->plugin_data);
    output->plugin_data = NULL;
    output->data = NULL;
    output->length = 0;
}

agent_json_value *agent_input_parse_object(const char *json, size_t length, const char *agent_name,
                                           agent_output *output)
{
    char error[256];
    agent_json_value *input = agent_json_parse(json, length, error, sizeof error);
    if (input && input->type == AGENT_JSON_OBJECT) return input;
    char message[400];
    snprintf(message, sizeof message, "%.64s: input is not a JSON object (%s)", agent_name,
             input ? "got another type" : error);
    agent_json_free(input);
    agent_output_set_error(output, message);
    return NULL;
}
