//! The parts of agent_plugin.h (ABI 1.0) this plugin uses, mirrored by hand with `#[repr(C)]`.
//! Field order and types follow the header exactly; fields are only ever appended there.

use std::os::raw::{c_char, c_void};

pub const AGENT_ABI_VERSION_MAJOR: u32 = 1;
pub const AGENT_ABI_VERSION_MINOR: u32 = 0;

pub type AgentStatus = i32;
pub const AGENT_STATUS_OK: AgentStatus = 0;
pub const AGENT_STATUS_ERROR: AgentStatus = 1;

pub const AGENT_LOG_INFO: i32 = 1;

/// `struct agent_host`: services the host passes into every call; valid during that call only.
#[repr(C)]
pub struct AgentHost {
    pub abi_major: u32,
    pub abi_minor: u32,
    pub struct_size: u32,
    pub reserved0: u32,
    pub host_data: *mut c_void,
    pub log: Option<unsafe extern "C" fn(*const AgentHost, i32, *const c_char)>,
    pub progress: Option<unsafe extern "C" fn(*const AgentHost, f64, *const c_char)>,
    pub is_cancelled: Option<unsafe extern "C" fn(*const AgentHost) -> i32>,
}

/// `struct agent_output`: the host allocates and zeroes it; the plugin fills `data`, `length`
/// and `plugin_data`, and gets the same struct back in `free_output`.
#[repr(C)]
pub struct AgentOutput {
    pub abi_major: u32,
    pub abi_minor: u32,
    pub struct_size: u32,
    pub reserved0: u32,
    pub data: *const c_char,
    pub length: usize,
    pub plugin_data: *mut c_void,
}

pub type InitFn = unsafe extern "C" fn(*const AgentHost, *const c_char, usize, *mut *mut c_void) -> AgentStatus;
pub type RunFn = unsafe extern "C" fn(*mut c_void, *const AgentHost, *const c_char, usize, *mut AgentOutput) -> AgentStatus;
pub type FreeOutputFn = unsafe extern "C" fn(*mut c_void, *mut AgentOutput);
pub type ShutdownFn = unsafe extern "C" fn(*mut c_void);

/// `struct agent_plugin_descriptor`, returned by the entry function from static storage.
#[repr(C)]
pub struct AgentPluginDescriptor {
    pub abi_major: u32,
    pub abi_minor: u32,
    pub struct_size: u32,
    pub flags: u32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub description: *const c_char,
    pub init: Option<InitFn>,
    pub run: Option<RunFn>,
    pub free_output: Option<FreeOutputFn>,
    pub shutdown: Option<ShutdownFn>,
    pub reserved: [*mut c_void; 8],
}

/// The descriptor holds raw pointers, which are not `Sync`, so a `static` of it needs this
/// promise: it is immutable and every pointer in it points at static data.
unsafe impl Sync for AgentPluginDescriptor {}
