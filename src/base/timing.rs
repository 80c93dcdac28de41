//! The time each phase of a build or a load takes, for `build -v` and
//! `serve -v`.

use std::time::{Duration, Instant};

/// Phases timed one after the other.
pub struct Laps {
    pub phases: Vec<(&'static str, Duration)>,
    since: Instant,
}

impl Laps {
    /// Start timing the first phase.
    pub fn start() -> Laps {
        Laps {
            phases: Vec::new(),
            since: Instant::now(),
        }
    }

    /// The phase `name` ends now; the next one starts.
    pub fn lap(&mut self, name: &'static str) {
        self.phases.push((name, self.since.elapsed()));
        self.since = Instant::now();
    }
}
