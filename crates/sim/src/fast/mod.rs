//! The fast path for models with an upstream linear subsystem (the full k2bone model's vitamin
//! K and D3 pharmacokinetics): the subsystem is solved exactly and fed to the stiff solver as
//! an input, so its doses never restart the stiff solve.
//!
//! | piece | what it does |
//! |---|---|
//! | `split` | reads sources and filters off the model's Jacobian |
//! | `upstream` | the exact path of sources and filters, readable at any time |
//! | `engine` | the BDF solve of the rest, with doses and output sampling |

pub(crate) mod engine;
pub(crate) mod split;
pub(crate) mod upstream;

pub use engine::{FastMethod, FastSimulator};
