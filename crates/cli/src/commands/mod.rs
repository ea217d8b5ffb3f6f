//! One module per subcommand.

pub mod diet;
pub mod evidence;
pub mod foods;
pub mod meta;
pub mod simulate;
