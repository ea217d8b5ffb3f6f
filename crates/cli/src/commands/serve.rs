//! `k2bone serve`: the local web app (crates/web) on 127.0.0.1, over the same use cases as this
//! command line. Nothing is reachable from outside the machine unless `--bind` says so.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Args;
use k2bone_app::{AppError, AppResult};

/// Start the local web app (simulate, evidence, diet and warfarin in the browser).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone serve                      # http://127.0.0.1:8080/
  k2bone serve --port 0             # any free port (printed)
  k2bone serve --data /tmp/k2bone   # another database folder")]
pub struct ServeArgs {
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. Anything but a loopback address exposes the app to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Folder of the k2bone database (default: K2BONE_DATA or the user data directory).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Runs computing at once (default: the number of cores).
    #[arg(long)]
    max_running: Option<usize>,
}

pub fn run(args: ServeArgs) -> AppResult<()> {
    let data = args.data.unwrap_or_else(k2bone_app::data_dir);
    // The use cases that open the database themselves (diet logs of a scenario) read
    // K2BONE_DATA; set it before any thread exists.
    std::env::set_var("K2BONE_DATA", &data);
    let mut limits = k2bone_web::Limits::default();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    limits.max_running = args.max_running.unwrap_or(cores).clamp(1, 64);
    let state = k2bone_web::AppState::open(&data, limits)?;
    let addr = SocketAddr::new(args.bind, args.port);
    if !args.bind.is_loopback() {
        eprintln!("warning: listening on {addr}: other machines can reach this app");
    }
    k2bone_web::serve_blocking(addr, state, |bound| {
        println!(
            "k2bone web app: http://{bound}/  (database in {}; Ctrl-C stops)",
            data.display()
        );
        println!("k2bone is a mathematical model, not medical advice.");
    })
    .map_err(|e| AppError::failed(format!("serving on {addr}: {e}")))
}
