//! What the `no_std` wasm needs from outside `core`: an allocator and a panic handler.
//!
//! std's panic handler formats its message, which links about 10 KB of formatting code that a shopper
//! would download for a message nobody sees. This one traps at once. Panics are bugs here (the boundary
//! never panics on outside input), and a trap still surfaces in JavaScript as a `RuntimeError`.

// SAFETY: the wasm runs on one thread: it is built without the atomics feature, so no other thread
// can share its memory.
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
