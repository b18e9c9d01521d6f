//! Cancellation that follows Rust's rules: each piece of JavaScript state a call starts (an attempt's
//! `AbortController`, a listener on the caller's `AbortSignal`) is owned by a struct whose `Drop`
//! undoes it, so dropping the call's future aborts the request in flight and clears the timers.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

use crate::policy::MAX_OPTION_MS;

/// One attempt's `AbortController`: aborted when the guard drops, unless the attempt's response was
/// handed to the caller (then its body must stay readable).
pub(super) struct AttemptAbort {
    controller: AbortController,
    armed: bool,
}

impl AttemptAbort {
    pub(super) fn new() -> Result<AttemptAbort, JsValue> {
        Ok(AttemptAbort {
            controller: AbortController::new()?,
            armed: true,
        })
    }

    pub(super) fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// The response is the caller's now: dropping the guard leaves it alone.
    pub(super) fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for AttemptAbort {
    fn drop(&mut self) {
        // After a response this also cancels its unread body, which frees the connection.
        if self.armed {
            self.controller.abort();
        }
    }
}

/// What a listener shares with the future that waits on it.
#[derive(Default)]
struct Fired {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

/// Follows the caller's `AbortSignal` (the request's own signal) for the length of a call; the
/// listener is removed when this drops.
pub(super) struct CallerAbort {
    signal: AbortSignal,
    fired: Rc<Fired>,
    listener: Closure<dyn FnMut()>,
}

impl CallerAbort {
    pub(super) fn new(signal: AbortSignal) -> CallerAbort {
        let fired = Rc::new(Fired::default());
        let shared = Rc::clone(&fired);
        let listener = Closure::<dyn FnMut()>::new(move || {
            shared.fired.set(true);
            if let Some(waker) = shared.waker.borrow_mut().take() {
                waker.wake();
            }
        });
        // Failure leaves the signal unfollowed; `aborted()` is still checked on every poll.
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        CallerAbort {
            signal,
            fired,
            listener,
        }
    }

    pub(super) fn aborted(&self) -> bool {
        self.fired.fired.get() || self.signal.aborted()
    }

    fn poll(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.aborted() {
            return Poll::Ready(());
        }
        *self.fired.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for CallerAbort {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}

/// How a raced piece of work ended.
pub(super) enum Ended<T> {
    /// It finished with this.
    Done(T),
    /// Its time limit passed first.
    TimedOut,
    /// The caller aborted first.
    Aborted,
}

/// A gloo-timers timer for `ms` milliseconds; `setTimeout` takes at most 2^31 − 1.
pub(super) fn timer(ms: u64) -> TimeoutFuture {
    TimeoutFuture::new(ms.min(MAX_OPTION_MS) as u32)
}

/// Runs `work` until it finishes, `limit` fires or the caller aborts, whichever is first. Dropping the
/// returned future drops `work` and the timer (which clears it).
pub(super) async fn race<F: Future + Unpin>(
    mut work: F,
    mut limit: Option<TimeoutFuture>,
    caller: &CallerAbort,
) -> Ended<F::Output> {
    std::future::poll_fn(move |cx| {
        if caller.poll(cx).is_ready() {
            return Poll::Ready(Ended::Aborted);
        }
        if let Poll::Ready(value) = Pin::new(&mut work).poll(cx) {
            return Poll::Ready(Ended::Done(value));
        }
        match limit.as_mut().map(|timer| Pin::new(timer).poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Ended::TimedOut),
            _ => Poll::Pending,
        }
    })
    .await
}
