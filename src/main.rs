#![deny(clippy::unwrap_used)]
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use mxlens::cli::{self, Cli, Command};
use mxlens::cmd;
use mxlens::config::settings::Settings;
use mxlens::config::{Config, ConfigPath};

fn main() -> ExitCode {
    // `@server` among the arguments means --resolver server, as in dig.
    let args = mxlens::argv::expand_at_servers(std::env::args_os().collect(), &Cli::command());
    let cli = match cli::command_with_paths()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_logging();
    // Commands that read no configuration do not fail on a broken one.
    match &cli.command {
        Some(Command::Completions(a)) => {
            return finish(cmd::completions::run(Cli::command(), a.shell));
        }
        Some(Command::Man(a)) => return finish(cmd::man::run(Cli::command(), a.dir.as_deref())),
        _ => {}
    }
    let settings = match load_settings(&cli) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mxlens: {e}");
            return ExitCode::from(2);
        }
    };
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
            Some(Command::Check(args)) => cmd::check::run(args, &settings).await,
            Some(Command::ServeDemo(args)) => cmd::serve_demo::run(args).await,
            Some(Command::Simulate(args)) => cmd::simulate::run(args, &settings).await,
            Some(Command::Config) => cmd::config::run(&settings),
            Some(Command::Completions(_) | Command::Man(_)) => Ok(0),
            Some(Command::Compare(args)) => cmd::compare::run(args, &settings).await,
            Some(Command::Diff(args)) => cmd::diff::run(args, &settings).await,
            Some(Command::Watch(args)) => cmd::watch::run(args, &settings).await,
            None => cmd::tui::run(&cli, &settings).await.map(|()| 0),
        }
    });
    // Do not wait for lookups still in flight (e.g. a timed-out server).
    runtime.shutdown_background();
    finish(result)
}

/// The configuration file merged with the flags.
fn load_settings(cli: &Cli) -> anyhow::Result<Settings> {
    let config = Config::load(ConfigPath::resolve(cli.config.as_deref()))?;
    Settings::merge(config, &cli.flags()).map_err(anyhow::Error::msg)
}

/// The exit status of a command's result.
fn finish(result: anyhow::Result<i32>) -> ExitCode {
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
