//! Timers and abort listeners that own their closures and undo themselves when dropped, and the
//! abortable wait between attempts.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

use super::js::{clear_timeout, set_timeout, set_timeout_with_argument};

/// A `setTimeout` that is cleared when dropped, so its closure is never called after it is freed.
pub struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `callback` once after `ms` milliseconds, unless dropped first.
    pub fn start(ms: f64, callback: impl FnMut() + 'static) -> Result<Timer, JsValue> {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let id = set_timeout(callback.as_ref().unchecked_ref(), ms)?;
        Ok(Timer {
            id,
            _callback: callback,
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// Aborts an attempt's controller after its time is up; cleared when dropped. Every attempt shares one
/// handler, to which `setTimeout` passes the controller, so no closure is made per request (each would
/// cost an allocation and a FinalizationRegistry entry on the success path).
pub struct AttemptTimeout {
    id: JsValue,
    controller: AbortController,
}

thread_local! {
    static ABORT_CONTROLLER: Closure<dyn FnMut(JsValue)> =
        Closure::new(|controller: JsValue| controller.unchecked_into::<AbortController>().abort());
}

impl AttemptTimeout {
    /// Aborts `controller` after `ms` milliseconds, unless dropped first.
    pub fn start(ms: f64, controller: &AbortController) -> Result<AttemptTimeout, JsValue> {
        let id = ABORT_CONTROLLER.with(|handler| {
            set_timeout_with_argument(handler.as_ref().unchecked_ref(), ms, controller.as_ref())
        })?;
        Ok(AttemptTimeout {
            id,
            controller: controller.clone(),
        })
    }

    /// Whether the time ran out: only this timer aborts the controller.
    pub fn fired(&self) -> bool {
        self.controller.signal().aborted()
    }
}

impl Drop for AttemptTimeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// An `abort` listener on a signal, removed when dropped.
pub struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

impl AbortListener {
    /// Calls `callback` when `signal` aborts, unless dropped first.
    pub fn listen(signal: &AbortSignal, callback: impl FnMut() + 'static) -> AbortListener {
        let callback = Closure::<dyn FnMut()>::new(callback);
        // Adding a listener to a real AbortSignal does not throw; a failure would only mean no callback.
        let _ = signal.add_event_listener_with_callback("abort", callback.as_ref().unchecked_ref());
        AbortListener {
            signal: signal.clone(),
            callback,
        }
    }
}

impl Drop for AbortListener {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.callback.as_ref().unchecked_ref());
    }
}

#[derive(Default)]
struct WaitState {
    done: bool,
    waker: Option<Waker>,
}

impl WaitState {
    fn finish(state: &Rc<RefCell<WaitState>>) {
        // Timers and listeners run from the event loop, never while `poll` holds the borrow.
        if let Ok(mut state) = state.try_borrow_mut() {
            state.done = true;
            if let Some(waker) = state.waker.take() {
                waker.wake();
            }
        }
    }
}

/// Waits `ms` milliseconds; resolves early with `Err(reason)` if `signal` aborts meanwhile.
pub struct Wait {
    state: Rc<RefCell<WaitState>>,
    signal: Option<AbortSignal>,
    _timer: Option<Timer>,
    _listener: Option<AbortListener>,
}

impl Wait {
    /// Starts the wait. A timer that cannot be started ends the wait at once.
    pub fn new(ms: u64, signal: Option<&AbortSignal>) -> Wait {
        let state = Rc::new(RefCell::new(WaitState::default()));
        let on_time = Rc::clone(&state);
        let timer = Timer::start(ms as f64, move || WaitState::finish(&on_time)).ok();
        if timer.is_none() {
            state.borrow_mut().done = true;
        }
        let listener = signal.map(|signal| {
            let on_abort = Rc::clone(&state);
            AbortListener::listen(signal, move || WaitState::finish(&on_abort))
        });
        Wait {
            state,
            signal: signal.cloned(),
            _timer: timer,
            _listener: listener,
        }
    }
}

impl Future for Wait {
    type Output = Result<(), JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(signal) = &self.signal {
            if signal.aborted() {
                return Poll::Ready(Err(signal.reason()));
            }
        }
        let Ok(mut state) = self.state.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if state.done {
            return Poll::Ready(Ok(()));
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
