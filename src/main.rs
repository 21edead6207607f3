use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use toadtop::cli::{Cli, Command, Output, Settings};
use toadtop::config::Config;
use toadtop::{aws, headless, ops, tui};

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
    let mut settings = Settings::merge(&cli, config, |k| std::env::var(k).ok());
    // Only the TUI reopens where it was left: a script's --once or deploy must not
    // depend on the last interactive session.
    let startup = (cli.command.is_none() && !cli.once).then(|| remembered(&mut settings));
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
    runtime.block_on(async_main(cli, settings, startup))
}

/// Reads the AWS profiles and the last session's place, and lets the remembered profile
/// and region fill in what flags, environment and config left open.
fn remembered(settings: &mut Settings) -> tui::runtime::Startup {
    let profiles = aws::profiles::load(|k| std::env::var(k).ok());
    let remembered = ops::remember::read();
    if let Ok(Some(place)) = &remembered {
        let known: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        let (profile, region) = ops::remember::choose(
            settings.aws.profile.take(),
            settings.aws.region.take(),
            place,
            &known,
        );
        settings.aws.profile = profile;
        settings.aws.region = region;
    }
    tui::runtime::Startup {
        profiles,
        remembered,
    }
}

async fn async_main(
    cli: Cli,
    settings: Settings,
    startup: Option<tui::runtime::Startup>,
) -> ExitCode {
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
        let startup = startup.unwrap_or(tui::runtime::Startup {
            profiles: Vec::new(),
            remembered: Ok(None),
        });
        match tui::runtime::run(settings, ctx.clone(), startup).await {
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
