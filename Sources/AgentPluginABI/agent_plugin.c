/* The ABI is header-only; this file gives the C target a translation unit. */
#include "agent_plugin.h"
