/*
 * shim.h: the parts of libffi (Debian's libffi-dev, <ffi.h>) that AgentRuntime's
 * c-function backend uses, plus accessors Swift needs to reach them.
 */
#ifndef AGENT_CFFI_SHIM_H
#define AGENT_CFFI_SHIM_H

#include <ffi.h>

/*
 * Why these accessors exist: libffi describes each C type with a global `ffi_type`
 * (ffi_type_sint32, ffi_type_double, ...) and callers pass their addresses. Swift 6 refuses
 * to take the address of an imported C global (`&ffi_type_double` is not a pointer
 * expression it accepts for a mutable global), so each accessor returns that address from C.
 */

/* The address of ffi_type_sint32 (C int32_t); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_sint32(void) { return &ffi_type_sint32; }

/* The address of ffi_type_sint64 (C int64_t); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_sint64(void) { return &ffi_type_sint64; }

/* The address of ffi_type_uint32 (C uint32_t); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_uint32(void) { return &ffi_type_uint32; }

/* The address of ffi_type_uint64 (C uint64_t); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_uint64(void) { return &ffi_type_uint64; }

/* The address of ffi_type_double (C double); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_double(void) { return &ffi_type_double; }

/* The address of ffi_type_float (C float); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_float(void) { return &ffi_type_float; }

/* The address of ffi_type_uint8, used for C99 bool (_Bool, one byte on every ABI libffi
 * supports here); see "Why these accessors exist". */
static inline ffi_type *agent_ffi_type_bool(void) { return &ffi_type_uint8; }

/* The address of ffi_type_pointer (const char * and other pointers); see "Why these
 * accessors exist". */
static inline ffi_type *agent_ffi_type_pointer(void) { return &ffi_type_pointer; }

/* sizeof(ffi_arg): libffi writes integer returns narrower than this widened to a whole
 * ffi_arg, so a return buffer must hold at least this many bytes. A function because the
 * typedef's size is what matters, not its Swift spelling. */
static inline size_t agent_ffi_arg_size(void) { return sizeof(ffi_arg); }

#endif /* AGENT_CFFI_SHIM_H */
