//! One exit policy: errors caused by the user's input exit with 2, everything else with 1.
//!
//! A command marks an error as bad input by wrapping it with [`bad_input`]; `main` looks for
//! that marker anywhere in the error chain.

use std::fmt;

/// Marker for errors the user can fix by changing their input (exit code 2).
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Wraps any error (or message) as bad input, keeping its full text.
pub fn bad_input(err: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(BadInput(format!("{err:#}")))
}

/// 2 for bad input, 1 for anything else.
pub fn code_for(err: &anyhow::Error) -> u8 {
    if err.chain().any(|c| c.downcast_ref::<BadInput>().is_some()) {
        2
    } else {
        1
    }
}
