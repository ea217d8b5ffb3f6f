//! One module per subcommand.

pub mod calibrate;
pub mod compare;
pub mod completions;
pub mod demo;
pub mod diet;
pub mod evidence;
pub mod foods;
pub mod meta;
pub mod scenario;
pub mod simulate;
pub mod study;
pub mod validate;
