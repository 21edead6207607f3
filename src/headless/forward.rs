//! `toadtop forward`: the TUI's `F` in the foreground. One line on stdout once the
//! forward is open; Ctrl-C (SIGINT), SIGTERM or SIGHUP end it with TerminateSession.
//! Exit codes as `exec`: 0 ended as asked, 1 the session failed (StartSession, or the
//! plugin died), 2 bad target or busy local port, 3 the doctor failed, 5 refused
//! (read-only, disabled, audit required but not writable).

use crate::aws::AwsContext;
use crate::cli::{ForwardArgs, Settings};
use crate::ops::exec::{doctor, plugin};
use crate::ops::forward::{self, run, ForwardSpec};
use crate::ops::interrupt::Signals;
use crate::safety::sanitize;

pub async fn forward(ctx: &AwsContext, settings: &Settings, args: &ForwardArgs) -> u8 {
    // Both before any AWS call.
    if let Err(e) = forward::allowed(settings.read_only, &settings.config.exec) {
        super::say_error(&e);
        return 5;
    }
    // Listening for them from here on: a Ctrl-C during the lookups still ends cleanly.
    let mut signals = Signals::listen();
    let (svc, task, container) = match super::exec::resolve(
        ctx,
        settings,
        &args.cluster,
        args.service.as_deref(),
        args.task.as_deref(),
        args.container.as_deref(),
    )
    .await
    {
        Ok(x) => x,
        Err(e) => {
            super::say_error(&e);
            return 2;
        }
    };
    let plugin_path = plugin::locate_here(settings.config.exec.plugin.as_deref());
    let checks = forward::checks(
        super::exec::checks_with_evidence(
            ctx,
            &svc,
            &task,
            &container,
            plugin_path.clone().map(|p| p.display().to_string()),
        )
        .await,
    );
    if !doctor::passed(&checks) {
        super::say_error("forward would fail:");
        super::exec::print_checks(&checks, &mut std::io::stderr());
        return 3;
    }
    let Ok(plugin_path) = plugin_path else {
        // A missing plugin already failed the doctor above.
        return 3;
    };
    let local_port = match forward::local_port(args.local_port) {
        Ok(p) => p,
        Err(e) => {
            super::say_error(&e);
            return 2;
        }
    };
    let spec = ForwardSpec {
        cluster: args.cluster.clone(),
        service: svc.name.clone(),
        task,
        container,
        remote_host: args.remote_host.clone(),
        remote_port: args.remote_port,
        local_port: Some(local_port),
    };
    let stop = async {
        let sig = signals.recv().await;
        format!("ended by {}", sig.name())
    };
    let ended = run::run(
        ctx,
        &spec,
        &plugin_path,
        local_port,
        |event| match event {
            run::Event::Started { .. } => {}
            run::Event::Ready => {
                use std::io::Write;
                let local = format!("127.0.0.1:{local_port}");
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", sanitize(&forward::describe(&spec, &local)));
                let _ = out.flush();
            }
            // The plugin's chatter (connections accepted, …) stays out of stdout.
            run::Event::Output(line) => tracing::debug!(line = %line, "plugin"),
        },
        stop,
        |e| super::say_error(&e),
    )
    .await;
    match ended {
        Err(e) => {
            super::say_error(&e);
            if e.contains("refused: the audit log is required") {
                5
            } else {
                1
            }
        }
        Ok(end) => {
            if let Some(e) = &end.terminate_error {
                super::say_error(format_args!("TerminateSession: {e}"));
            }
            match end.failure {
                Some(f) => {
                    super::say_error(&f);
                    1
                }
                None => 0,
            }
        }
    }
}
