//! The terminal face of `k2bone_app::Progress`: an indicatif bar on stderr, drawn only for runs
//! over a second, only on a terminal, and never with `--quiet`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar that appears after one second.
pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    quiet: bool,
    shown: AtomicBool,
    task: Mutex<String>,
}

impl Bar {
    pub fn new(quiet: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {percent:>3}% {elapsed}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Bar {
            bar,
            started: Instant::now(),
            quiet,
            shown: AtomicBool::new(false),
            task: Mutex::new(String::new()),
        }
    }
}

impl k2bone_app::Progress for Bar {
    fn update(&self, task: &str, fraction: f64) {
        if self.quiet {
            return;
        }
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() > Duration::from_secs(1) {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if let Ok(mut current) = self.task.lock() {
            if *current != task {
                *current = task.to_string();
                self.bar.set_message(task.to_string());
            }
        }
        self.bar
            .set_position((fraction.clamp(0.0, 1.0) * 1000.0) as u64);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
