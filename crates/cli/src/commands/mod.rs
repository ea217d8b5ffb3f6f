//! One module per subcommand.

pub mod calibrate;
pub mod completions;
pub mod diet;
pub mod evidence;
pub mod foods;
pub mod meta;
pub mod simulate;
pub mod study;
pub mod validate;
