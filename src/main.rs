use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use toadtop::cli::{Cli, Command, Output, Settings};
use toadtop::config::Config;
use toadtop::{aws, headless, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (path, explicit) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => match Config::default_path() {
            Some(p) => (p, false),
            None => (std::path::PathBuf::from("config.toml"), false),
        },
    };
    let config = match Config::load(&path, explicit) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("toadtop: {e}");
            return ExitCode::from(2);
        }
    };
    let settings = Settings::merge(&cli, config, |k| std::env::var(k).ok());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("toadtop: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async_main(cli, settings))
}

async fn async_main(cli: Cli, settings: Settings) -> ExitCode {
    let ctx = match aws::connect(&settings.aws).await {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("toadtop: {e}");
            return ExitCode::from(2);
        }
    };
    let code = if let Some(Command::Deploy(args)) = &cli.command {
        ExitCode::from(headless::actions::deploy(&ctx, &settings, args).await)
    } else if let Some(Command::Migrate(args)) = &cli.command {
        ExitCode::from(headless::actions::migrate(&ctx, &settings, args).await)
    } else if let Some(Command::Exec(args)) = &cli.command {
        ExitCode::from(headless::exec::exec(&ctx, &settings, args).await)
    } else if let Some(Command::Doctor(args)) = &cli.command {
        ExitCode::from(headless::exec::doctor(&ctx, &settings, args).await)
    } else if let Some(Command::Rollback(args)) = &cli.command {
        ExitCode::from(headless::actions::rollback(&ctx, &settings, args).await)
    } else if let Some(Command::Logs(args)) = &cli.command {
        match headless::logs::run(&ctx, args).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("toadtop: {e}");
                ExitCode::from(e.exit_code())
            }
        }
    } else if cli.once {
        match headless::once::take(&ctx, &settings).await {
            Ok(snapshot) => {
                let text = headless::once::render(&snapshot, cli.output.unwrap_or(Output::Table));
                let mut out = std::io::stdout().lock();
                // A closed pipe (`| head`) is not an error worth a message.
                let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("toadtop: {e}");
                ExitCode::from(e.exit_code())
            }
        }
    } else {
        match tui::runtime::run(settings, ctx.clone()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("toadtop: terminal error: {e}");
                ExitCode::from(1)
            }
        }
    };
    if cli.stats {
        eprintln!("api calls: {}", ctx.stats.summary());
    }
    code
}
