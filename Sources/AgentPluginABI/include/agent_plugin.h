/*
 * agent_plugin.h — AgentHost plugin ABI, version 1.0.
 *
 * The whole contract between the `agenthost` executable and an agent plugin: a shared
 * library that exports one C function (by default `agent_plugin_entry`). Plain C99; no
 * Swift, no C++, no host library to link against. docs/PLUGIN_ABI.md explains the rules
 * with complete examples in C and Swift.
 *
 * Versioning rules
 *   - The host passes the ABI major and minor it speaks to the entry function. A plugin
 *     returns NULL when it cannot serve that host.
 *   - The host accepts a descriptor whose `abi_major` equals its own and whose `abi_minor`
 *     is not above its own, and refuses any other, naming both versions.
 *   - Every struct that crosses the boundary starts with `abi_major`, `abi_minor` and
 *     `struct_size`. Fields are only ever appended, never reordered or removed, so a side
 *     that reads a smaller struct than it knows simply treats the missing tail as absent.
 *
 * Memory rules
 *   - Whoever allocates frees. Output a plugin returns from `run` is released only by the
 *     host calling that plugin's `free_output`.
 *   - Every pointer the host hands to a plugin (input JSON, config JSON, the host table)
 *     is valid only for the duration of the call that received it. Copy what you keep.
 *
 * Threading rules are stated on each function below.
 *
 * Failures that cross `run`
 *   - A plugin must not let a C++ exception, a Rust panic or a longjmp leave any function
 *     the host calls: unwinding through the host is undefined behaviour. Catch inside and
 *     return AGENT_STATUS_ERROR with a message.
 *   - A crash inside a call (a signal such as SIGSEGV, a Swift trap, abort, an uncaught
 *     exception that reaches std::terminate) ends the process it happens in: for an agent
 *     with `"isolation": "process"` that is the worker, and the attempt fails with the
 *     signal named; for an in-process agent it is the host itself. Use process isolation
 *     for code that may crash.
 *
 * Layout: docs/PLUGIN_ABI.md lists every field's offset and size on 64-bit platforms, for
 * authors binding from other languages; a test checks that table against this header.
 */
#ifndef AGENT_PLUGIN_H
#define AGENT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ABI major version this header describes. A change here breaks compatibility. */
#define AGENT_ABI_VERSION_MAJOR 1
/** ABI minor version this header describes. Raised when fields are appended. */
#define AGENT_ABI_VERSION_MINOR 0

/** Marks the entry function as exported from the shared library. */
#if defined(_WIN32)
#define AGENT_EXPORT __declspec(dllexport)
#else
#define AGENT_EXPORT __attribute__((visibility("default")))
#endif

/** Name of the entry symbol the host looks up unless the manifest names another. */
#define AGENT_PLUGIN_ENTRY_SYMBOL "agent_plugin_entry"

/* ------------------------------------------------------------------------------------ */
/* Status codes                                                                          */
/* ------------------------------------------------------------------------------------ */

/** Result of `init` and `run`. A 32-bit integer so its size never depends on the compiler. */
typedef int32_t agent_status;

/** The call succeeded; for `run`, the output holds a UTF-8 JSON object. */
#define AGENT_STATUS_OK 0
/** The call failed for good; the output, if any, holds a UTF-8 error message. */
#define AGENT_STATUS_ERROR 1
/** The call failed but may succeed if tried again (a busy resource, a flaky source). */
#define AGENT_STATUS_RETRYABLE 2
/** The call stopped early because `is_cancelled` returned non-zero. */
#define AGENT_STATUS_CANCELLED 3

/** Log levels accepted by `agent_host.log`. */
#define AGENT_LOG_DEBUG 0
/** Informational message. */
#define AGENT_LOG_INFO 1
/** Something unexpected that the plugin recovered from. */
#define AGENT_LOG_WARNING 2
/** A failure; usually followed by a non-OK status. */
#define AGENT_LOG_ERROR 3

/* ------------------------------------------------------------------------------------ */
/* Host services                                                                         */
/* ------------------------------------------------------------------------------------ */

/**
 * Services the host offers to a plugin, passed into `init` and every `run`.
 *
 * Owned by the host; valid only during the call that received it. Each function may be
 * called from the thread that received the table or from any thread the plugin uses for
 * that same call, until the call returns. All strings passed in are UTF-8 and
 * NUL-terminated, and are copied by the host before the function returns.
 *
 * Append-only: new services are added at the end with an "ABI 1.x and later" comment;
 * check `struct_size` before using a member added after 1.0.
 */
typedef struct agent_host {
    /** ABI major version of the host (ABI 1.0 and later). */
    uint32_t abi_major;
    /** ABI minor version of the host (ABI 1.0 and later). */
    uint32_t abi_minor;
    /** sizeof(agent_host) as the host was compiled (ABI 1.0 and later). */
    uint32_t struct_size;
    /** Reserved, zero. */
    uint32_t reserved0;
    /** Opaque host data; plugins must not touch it (ABI 1.0 and later). */
    void *host_data;
    /*
     * The three functions below are never NULL in a table an ABI 1.x host passes; a member
     * appended by a later 1.x may be absent (check `struct_size`) but is never NULL when present.
     */
    /**
     * Writes a log line attributed to the calling agent (ABI 1.0 and later).
     * `level` is one of AGENT_LOG_*; `message` is copied.
     */
    void (*log)(const struct agent_host *host, int32_t level, const char *message);
    /**
     * Reports progress of the current run (ABI 1.0 and later).
     * `fraction` is in [0, 1] (clamped by the host); `message` may be NULL.
     */
    void (*progress)(const struct agent_host *host, double fraction, const char *message);
    /**
     * Returns non-zero once the host wants the current call to stop: the workflow was
     * cancelled or the attempt timed out (ABI 1.0 and later). Cheap; poll it in loops.
     */
    int32_t (*is_cancelled)(const struct agent_host *host);
} agent_host;

/* ------------------------------------------------------------------------------------ */
/* Output                                                                                */
/* ------------------------------------------------------------------------------------ */

/**
 * What `run` hands back. The host allocates and zeroes this struct and fills in the
 * header; the plugin sets `data`, `length` and optionally `plugin_data`.
 *
 * On AGENT_STATUS_OK, `data` is a UTF-8 JSON object. Otherwise `data` is an optional
 * UTF-8 error message. The bytes stay owned by the plugin until the host passes the same
 * struct to `free_output`.
 */
typedef struct agent_output {
    /** ABI major version of the host that allocated the struct (ABI 1.0 and later). */
    uint32_t abi_major;
    /** ABI minor version of the host that allocated the struct (ABI 1.0 and later). */
    uint32_t abi_minor;
    /** sizeof(agent_output) as the host was compiled (ABI 1.0 and later). */
    uint32_t struct_size;
    /** Reserved, zero. */
    uint32_t reserved0;
    /** Output bytes (JSON object or error message), plugin-owned; may be NULL. */
    const char *data;
    /** Number of bytes at `data`, without any terminating NUL. */
    size_t length;
    /** Free for the plugin's use, e.g. the pointer to release in `free_output`. */
    void *plugin_data;
} agent_output;

/* ------------------------------------------------------------------------------------ */
/* Descriptor                                                                            */
/* ------------------------------------------------------------------------------------ */

/**
 * Sets up plugin state from the manifest's `config` (ABI 1.0 and later; may be NULL).
 *
 * Called once per loaded plugin, before any `run`, on a host thread; never concurrently
 * with any other call into the plugin. `config_json` is a UTF-8 JSON value of
 * `config_length` bytes ("null" when the manifest has none). Store what `run` needs in
 * `*state` (may stay NULL). Return AGENT_STATUS_OK, or AGENT_STATUS_ERROR after logging
 * why through `host->log`; the plugin is then not used.
 */
typedef agent_status (*agent_init_fn)(const agent_host *host, const char *config_json,
                                      size_t config_length, void **state);

/**
 * Runs the agent once (ABI 1.0 and later; required).
 *
 * Called on a host worker thread, never on the host's main thread. If the manifest says
 * `parallel_safe: true` it may be called concurrently from several threads with the same
 * `state`; otherwise the host never overlaps two calls. `input_json` holds
 * `input_length` bytes of a UTF-8 JSON object (a NUL follows them as a courtesy):
 * {"workflow_id", "agent", "attempt", "campaign", "inputs": {dependency: output},
 *  "artifacts_dir", "base_dir"}
 * where `inputs` holds each completed dependency's output object (a failed soft dependency
 * as {"error": message}), `artifacts_dir` is the workflow's folder for files (create it
 * before writing) and `base_dir` the folder relative campaign paths resolve against.
 * Members may be added: ignore those you do not know. `state` is what `init` stored (NULL
 * without `init`); `host` is never NULL. Fill `output` and return a status. Poll
 * `host->is_cancelled` in long loops and return AGENT_STATUS_CANCELLED when it says so.
 * Never let an exception or panic unwind out of `run` (see "Failures that cross `run`").
 */
typedef agent_status (*agent_run_fn)(void *state, const agent_host *host, const char *input_json,
                                     size_t input_length, agent_output *output);

/**
 * Releases what a `run` put into `output` (ABI 1.0 and later; required).
 *
 * Called exactly once per `run` that set `output->data` or `output->plugin_data`, on any
 * host thread, after the host copied the bytes.
 */
typedef void (*agent_free_output_fn)(void *state, agent_output *output);

/**
 * Releases plugin state (ABI 1.0 and later; may be NULL).
 *
 * Called at most once, after every `run` has returned, on a host thread. No call into the
 * plugin follows it.
 */
typedef void (*agent_shutdown_fn)(void *state);

/**
 * The static description of a plugin, returned by the entry function.
 *
 * Lives in the plugin's static storage for as long as the library is loaded; the host
 * never writes to it or frees it.
 */
typedef struct agent_plugin_descriptor {
    /** ABI major version the plugin was built for (ABI 1.0 and later). */
    uint32_t abi_major;
    /** ABI minor version the plugin was built for (ABI 1.0 and later). */
    uint32_t abi_minor;
    /** sizeof(agent_plugin_descriptor) as the plugin was compiled (ABI 1.0 and later). */
    uint32_t struct_size;
    /** Reserved, zero. */
    uint32_t flags;
    /**
     * Agent name; must equal the manifest's `name` (ABI 1.0 and later), or be
     * AGENT_PLUGIN_ANY_NAME ("*"): the descriptor then serves every manifest that names this
     * library and entry, and the agent reads its name from the input's `agent` member.
     */
    const char *name;
    /** Plugin version, semantic versioning (ABI 1.0 and later). */
    const char *version;
    /** One-line human description, may be NULL (ABI 1.0 and later). */
    const char *description;
    /** Optional state set-up; NULL when the plugin keeps no state. */
    agent_init_fn init;
    /** Required: runs the agent. */
    agent_run_fn run;
    /** Required: releases a run's output. */
    agent_free_output_fn free_output;
    /** Optional state tear-down. */
    agent_shutdown_fn shutdown;
    /** Reserved for members appended by later 1.x versions; zero. */
    void *reserved[8];
} agent_plugin_descriptor;

/**
 * The descriptor name that serves any manifest name: one library (one entry symbol) behind
 * many manifests, each with its own `init` state and `config`. Every `run` is told its
 * agent's name in the input's `agent` member.
 */
#define AGENT_PLUGIN_ANY_NAME "*"

/** Size of the smallest descriptor an ABI 1.0 host accepts (through `shutdown`). */
#define AGENT_PLUGIN_DESCRIPTOR_MIN_SIZE \
    (offsetof(agent_plugin_descriptor, shutdown) + sizeof(agent_shutdown_fn))

/**
 * Type of the entry function.
 *
 * Called once per process per library, on any host thread, before any other call.
 * Receives the ABI version the host speaks; returns a pointer to a static descriptor, or
 * NULL when the plugin cannot serve a host of that version.
 */
typedef const agent_plugin_descriptor *(*agent_plugin_entry_fn)(uint32_t host_abi_major,
                                                                uint32_t host_abi_minor);

/** The entry function every plugin exports (unless its manifest names another). */
AGENT_EXPORT const agent_plugin_descriptor *agent_plugin_entry(uint32_t host_abi_major,
                                                               uint32_t host_abi_minor);

/**
 * Defines the descriptor and the entry function of a C plugin in one line.
 *
 * `init_fn` and `shutdown_fn` may be NULL. The entry returns NULL to a host of another
 * major version.
 */
#define AGENT_PLUGIN_DEFINE(name_str, version_str, description_str, init_fn, run_fn,       \
                            free_output_fn, shutdown_fn)                                   \
    static const agent_plugin_descriptor agent_plugin_descriptor_instance = {              \
        AGENT_ABI_VERSION_MAJOR, AGENT_ABI_VERSION_MINOR,                                  \
        (uint32_t)sizeof(agent_plugin_descriptor), 0u, (name_str), (version_str),          \
        (description_str), (init_fn), (run_fn), (free_output_fn), (shutdown_fn), {0}};     \
    AGENT_EXPORT const agent_plugin_descriptor *agent_plugin_entry(uint32_t host_abi_major, \
                                                                   uint32_t host_abi_minor) \
    {                                                                                      \
        (void)host_abi_minor;                                                              \
        return host_abi_major == AGENT_ABI_VERSION_MAJOR ? &agent_plugin_descriptor_instance \
                                                         : NULL;                           \
    }

#ifdef __cplusplus
}
#endif

#endif /* AGENT_PLUGIN_H */
