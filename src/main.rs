#![deny(clippy::unwrap_used)]
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use mxlens::cli::{Cli, Command};
use mxlens::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mxlens: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Some(Command::Check(args)) => cmd::check::run(args, &cli.upstream).await,
            Some(Command::ServeDemo(args)) => cmd::serve_demo::run(args).await,
            Some(Command::Simulate(args)) => cmd::simulate::run(args, &cli.upstream).await,
            Some(Command::Watch(args)) => cmd::watch::run(args, &cli.upstream).await,
            None => cmd::tui::run(&cli).await.map(|()| 0),
        }
    });
    // Do not wait for lookups still in flight (e.g. a timed-out server).
    runtime.shutdown_background();
    match result {
        Ok(code) => ExitCode::from(code as u8),
        // The reader went away (`mxlens check … | head`): stop quietly.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Errors may quote input or a file's bytes, through libraries' messages too.
            eprintln!("mxlens: {}", mxlens::mx::escape::visible(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// Logs go to the file named by `MXLENS_LOG`, never to the terminal.
fn init_logging() {
    let Some(path) = std::env::var_os("MXLENS_LOG") else {
        return;
    };
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        eprintln!(
            "mxlens: cannot open the log file \"{}\"; logging is off",
            std::path::Path::new(&path).display()
        );
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MXLENS_LOG_LEVEL")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("mxlens=debug,warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .init();
}
