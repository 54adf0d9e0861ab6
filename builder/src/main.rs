//! `playlike`: the operator's command line. All of it lives in the `playlike_builder`
//! library ([`playlike_builder::cli`]).

/// Counts heap bytes for `playlike bench` (see `playlike_builder::heap`).
#[global_allocator]
static ALLOCATOR: playlike_builder::heap::Counting = playlike_builder::heap::Counting;

fn main() -> anyhow::Result<()> {
    end_quietly_on_a_closed_pipe();
    playlike_builder::cli::main()
}

/// `playlike inspect DIR | head`: once the reader is gone, the next write ends the process by
/// SIGPIPE, as it does `cat` or `grep`. Rust ignores SIGPIPE by default, so `println!` would
/// panic instead. Sockets are unaffected: std sends with `MSG_NOSIGNAL` and gets an error.
#[cfg(unix)]
fn end_quietly_on_a_closed_pipe() {
    // SAFETY: first thing in `main`, before any other thread exists; it only restores the
    // default disposition of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn end_quietly_on_a_closed_pipe() {}
