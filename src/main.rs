use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use toadtop::cli::{Cli, Command, Output, Settings};
use toadtop::config::Config;
use toadtop::{aws, cli_docs, headless, logfile, ops, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Generated text needs neither the config (a broken one must not block it) nor AWS.
    match &cli.command {
        Some(Command::Completions { shell }) => return print(&cli_docs::completions(*shell)),
        Some(Command::Man { dir: None }) => {
            return match cli_docs::man_page() {
                Ok(page) => print(&page),
                Err(e) => fail(&format!("man page: {e}"), 1),
            }
        }
        Some(Command::Man { dir: Some(dir) }) => {
            return match cli_docs::write_man_pages(dir) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("man pages in {}: {e}", dir.display()), 1),
            }
        }
        _ => {}
    }
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
            headless::say_error(&e);
            return ExitCode::from(2);
        }
    };
    let log_path = logfile::choose_path(
        cli.log_file.as_ref().map(Option::as_deref),
        config.log_file.as_deref(),
        logfile::default_path(Config::data_dir()),
    );
    if let Some(log_path) = &log_path {
        let env_level = std::env::var("TOADTOP_LOG").ok();
        let started = logfile::choose_level(cli.log_level, env_level.as_deref(), config.log_level)
            .and_then(|level| logfile::init(log_path, level));
        if let Err(e) = started {
            return fail(&e, 2);
        }
    }
    let mut settings = Settings::merge(&cli, config, |k| std::env::var(k).ok());
    aws::disk_cache::configure(aws::disk_cache::DiskSettings {
        dir: (!cli.no_cache)
            .then(|| aws::disk_cache::default_dir(|k| std::env::var(k).ok()))
            .flatten(),
        findings_ttl: std::time::Duration::from_secs(settings.config.findings.cache_minutes * 60),
    });
    ops::audit::set_required(settings.config.audit_required(settings.read_only));
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
            headless::say_error(format_args!("cannot start the async runtime: {e}"));
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

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
fn print(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => fail(&e.to_string(), 1),
        _ => ExitCode::SUCCESS,
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    headless::say_error(message);
    ExitCode::from(code)
}

/// What this run does, for the log's startup line.
fn mode(cli: &Cli) -> &'static str {
    match &cli.command {
        Some(Command::Logs(_)) => "logs",
        Some(Command::Deploy(_)) => "deploy",
        Some(Command::Migrate(_)) => "migrate",
        Some(Command::Rollback(_)) => "rollback",
        Some(Command::Exec(_)) => "exec",
        Some(Command::Doctor(_)) => "doctor",
        Some(Command::Forward(_)) => "forward",
        Some(Command::Watch(_)) => "watch",
        Some(Command::Completions { .. } | Command::Man { .. }) => "docs",
        None if cli.once => "once",
        None => "tui",
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
            tracing::error!(error = %e, "cannot set up AWS clients");
            headless::say_error(&e);
            return ExitCode::from(2);
        }
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        mode = mode(&cli),
        profile = %ctx.profile,
        region = %ctx.region,
        endpoint = ctx.endpoint_url.as_deref().unwrap_or("(AWS)"),
        read_only = settings.read_only,
        "toadtop started"
    );
    let code = if let Some(Command::Deploy(args)) = &cli.command {
        ExitCode::from(headless::actions::deploy(&ctx, &settings, args).await)
    } else if let Some(Command::Migrate(args)) = &cli.command {
        ExitCode::from(headless::actions::migrate(&ctx, &settings, args).await)
    } else if let Some(Command::Exec(args)) = &cli.command {
        ExitCode::from(headless::exec::exec(&ctx, &settings, args).await)
    } else if let Some(Command::Doctor(args)) = &cli.command {
        ExitCode::from(headless::exec::doctor(&ctx, &settings, args).await)
    } else if let Some(Command::Forward(args)) = &cli.command {
        ExitCode::from(headless::forward::forward(&ctx, &settings, args).await)
    } else if let Some(Command::Rollback(args)) = &cli.command {
        ExitCode::from(headless::actions::rollback(&ctx, &settings, args).await)
    } else if let Some(Command::Watch(args)) = &cli.command {
        ExitCode::from(headless::watch::run(&ctx, &settings, args).await)
    } else if let Some(Command::Logs(args)) = &cli.command {
        match headless::logs::run(&ctx, args).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                headless::say_error(&e);
                ExitCode::from(e.exit_code())
            }
        }
    } else if cli.once {
        let taken = headless::once::take_within(&ctx, &settings, cli.timeout).await;
        if let Some(warning) = headless::once::retry_warning(&ctx) {
            eprintln!("toadtop: {warning}");
        }
        match taken {
            Ok(snapshot) => {
                let text = headless::once::render(&snapshot, cli.output.unwrap_or(Output::Table));
                let mut out = std::io::stdout().lock();
                // A closed pipe (`| head`) is not an error worth a message.
                let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
                ExitCode::SUCCESS
            }
            Err(e) => {
                headless::say_error(&e);
                ExitCode::from(e.exit_code())
            }
        }
    } else {
        let startup = startup.unwrap_or(tui::runtime::Startup {
            profiles: Vec::new(),
            remembered: Ok(None),
        });
        match tui::runtime::run(settings, ctx.clone(), startup).await {
            Ok(None) => ExitCode::SUCCESS,
            // 128 + the signal's number, as if it had ended the process (SIGHUP 129,
            // SIGINT 130, SIGTERM 143), after the terminal was restored.
            Ok(Some(signal)) => ExitCode::from(signal.exit_code()),
            Err(e) => {
                tracing::error!(error = %e, "terminal error");
                headless::say_error(format_args!("terminal error: {e}"));
                ExitCode::from(1)
            }
        }
    };
    if cli.stats {
        // The terminal may have hung up (exit 129): a failed write must not panic.
        let _ = writeln!(std::io::stderr(), "api calls: {}", ctx.stats.summary());
        if let Some(caches) = ctx.stats.cache_summary() {
            let _ = writeln!(std::io::stderr(), "cache: {caches}");
        }
    }
    code
}
