//! rust_digest: an agent-v1 plugin written in Rust from agent_plugin.h and docs/PLUGIN_ABI.md.
//!
//! Reads the drafted article (`blog_content.markdown` in any input) and answers
//! `{"digest": {"title", "headings", "lead", "paragraphs", "words", "reading_minutes"}}`.
//!
//! Rules this file follows (docs/PLUGIN_ABI.md, "Rust"):
//! - the descriptor is a `static`, which needs `unsafe impl Sync` (abi.rs);
//! - `free_output` gets the output struct back but no capacity, so the allocation itself
//!   (a `Box<Vec<u8>>`) travels in `plugin_data` and is rebuilt from there;
//! - a panic never crosses `extern "C"`: each entry point runs its body in `catch_unwind`.

mod abi;
mod json;

use abi::*;
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

static DESCRIPTOR: AgentPluginDescriptor = AgentPluginDescriptor {
    abi_major: AGENT_ABI_VERSION_MAJOR,
    abi_minor: AGENT_ABI_VERSION_MINOR,
    struct_size: std::mem::size_of::<AgentPluginDescriptor>() as u32,
    flags: 0,
    name: b"rust_digest\0".as_ptr() as *const c_char,
    version: b"1.0.0\0".as_ptr() as *const c_char,
    description: b"Digest of the drafted article: title, headings, lead sentence, reading time\0".as_ptr() as *const c_char,
    init: None,
    run: Some(run),
    free_output: Some(free_output),
    shutdown: None,
    reserved: [std::ptr::null_mut(); 8],
};

/// The entry the host looks up: the descriptor for an ABI 1.x host, NULL for any other.
#[no_mangle]
pub extern "C" fn agent_plugin_entry(host_abi_major: u32, _host_abi_minor: u32) -> *const AgentPluginDescriptor {
    if host_abi_major == AGENT_ABI_VERSION_MAJOR {
        &DESCRIPTOR
    } else {
        std::ptr::null()
    }
}

unsafe extern "C" fn run(
    _state: *mut c_void, host: *const AgentHost, input: *const c_char, input_length: usize, output: *mut AgentOutput,
) -> AgentStatus {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let bytes = if input.is_null() { &[][..] } else { std::slice::from_raw_parts(input as *const u8, input_length) };
        digest(bytes, host)
    }));
    let (status, text) = match result {
        Ok(Ok(json)) => (AGENT_STATUS_OK, json),
        Ok(Err(message)) => (AGENT_STATUS_ERROR, message),
        Err(_) => (AGENT_STATUS_ERROR, "rust_digest panicked; see the host's stderr".to_string()),
    };
    // The Vec's pointer, length and capacity live in the Box; free_output rebuilds it.
    let buffer = Box::new(text.into_bytes());
    (*output).data = buffer.as_ptr() as *const c_char;
    (*output).length = buffer.len();
    (*output).plugin_data = Box::into_raw(buffer) as *mut c_void;
    status
}

unsafe extern "C" fn free_output(_state: *mut c_void, output: *mut AgentOutput) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if !(*output).plugin_data.is_null() {
            drop(Box::from_raw((*output).plugin_data as *mut Vec<u8>));
            (*output).plugin_data = std::ptr::null_mut();
        }
    }));
}

/// Logs through the host's table; `message` is copied by the host before `log` returns.
unsafe fn log(host: *const AgentHost, message: &str) {
    if host.is_null() {
        return;
    }
    if let (Some(log), Ok(text)) = ((*host).log, CString::new(message)) {
        log(host, AGENT_LOG_INFO, text.as_ptr());
    }
}

unsafe fn digest(input: &[u8], host: *const AgentHost) -> Result<String, String> {
    let input = json::parse(input).map_err(|error| format!("rust_digest: the input is not JSON: {error}"))?;
    let markdown = input
        .get("inputs")
        .map(|inputs| inputs.members())
        .unwrap_or(&[])
        .iter()
        .find_map(|(_, output)| output.get("blog_content")?.get("markdown")?.as_str())
        .ok_or("rust_digest: no input holds blog_content.markdown; depend on an agent with the content_creation capability")?;
    let summary = Digest::of(markdown);
    log(host, &format!("digested {} words in {} paragraphs", summary.words, summary.paragraphs));
    Ok(summary.to_json())
}

/// What the agent reports about one Markdown article.
struct Digest {
    title: String,
    headings: Vec<String>,
    lead: String,
    paragraphs: usize,
    words: usize,
}

impl Digest {
    fn of(markdown: &str) -> Digest {
        let mut digest = Digest { title: String::new(), headings: Vec::new(), lead: String::new(), paragraphs: 0, words: 0 };
        for block in markdown.split("\n\n").map(str::trim).filter(|block| !block.is_empty()) {
            if let Some(heading) = block.strip_prefix('#') {
                let text = heading.trim_start_matches('#').trim().to_string();
                if block.starts_with("# ") && digest.title.is_empty() {
                    digest.title = text;
                } else {
                    digest.headings.push(text);
                }
                continue;
            }
            if block.starts_with("![") || block.starts_with('|') || block.starts_with("---") {
                continue;
            }
            digest.paragraphs += 1;
            digest.words += block.split_whitespace().count();
            if digest.lead.is_empty() {
                digest.lead = first_sentence(block);
            }
        }
        digest
    }

    fn to_json(&self) -> String {
        let headings: Vec<String> = self.headings.iter().map(|h| json::quote(h)).collect();
        let minutes = ((self.words as f64 / 200.0) * 10.0).ceil() / 10.0;
        format!(
            "{{\"digest\":{{\"title\":{},\"headings\":[{}],\"lead\":{},\"paragraphs\":{},\"words\":{},\"reading_minutes\":{},\"language\":\"rust\"}}}}",
            json::quote(&self.title),
            headings.join(","),
            json::quote(&self.lead),
            self.paragraphs,
            self.words,
            minutes
        )
    }
}

/// The text up to the first sentence end (". ", "! ", "? ") or the whole block.
fn first_sentence(block: &str) -> String {
    let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
    let bytes = flat.as_bytes();
    for index in 0..bytes.len().saturating_sub(1) {
        if matches!(bytes[index], b'.' | b'!' | b'?') && bytes[index + 1] == b' ' {
            return flat[..=index].to_string();
        }
    }
    flat
}
