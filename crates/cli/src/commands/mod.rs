//! One module per subcommand: its arguments, the request it builds and how it prints.

pub mod calibrate;
pub mod compare;
pub mod completions;
pub mod demo;
pub mod diet;
pub mod evidence;
pub mod export;
pub mod foods;
pub mod meta;
pub mod scenario;
pub mod serve;
pub mod simulate;
pub mod trial;
pub mod validate;
