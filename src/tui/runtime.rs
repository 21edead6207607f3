//! The event loop: terminal events, a clock tick and AWS answers become `Msg`s; the
//! `Effect`s `update` returns become tokio tasks whose results come back as `Msg`s.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::terminal::Session;
use crate::app::{update, Effect, Msg, State};
use crate::aws::{ecs, AwsContext};
use crate::cli::Settings;
use crate::config::Config;
use crate::timefmt::Timestamp;
use crate::ui;

const TICK: Duration = Duration::from_millis(250);

pub async fn run(settings: Settings, ctx: AwsContext) -> std::io::Result<()> {
    let mut session = Session::enter()?;
    let mut state = initial_state(&settings, &ctx);
    let config = Arc::new(settings.config);
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term_signal = terminate_signal();

    loop {
        session.terminal.draw(|f| ui::draw(&state, f))?;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(_)) => continue, // resize and others: redraw
                Some(Err(e)) => return Err(e),
                None => break,
            },
            _ = tick.tick() => Msg::Tick(Timestamp::now()),
            Some(m) = rx.recv() => m,
            Some(()) = term_signal.recv() => break,
        };
        let size = session.terminal.size()?;
        state.page_rows = ui::page_rows(size.height.saturating_sub(ui::CHROME_ROWS));
        for effect in update(&mut state, msg) {
            spawn_effect(effect, &ctx, &config, &tx);
        }
        if state.quit {
            break;
        }
    }
    Ok(())
}

fn initial_state(settings: &Settings, ctx: &AwsContext) -> State {
    let mut state = State::new(
        ctx.profile.clone(),
        ctx.region.clone(),
        ctx.endpoint_url.clone(),
        Timestamp::now(),
    );
    state.read_only = settings.read_only;
    state.refresh_secs = settings.refresh_secs;
    state.keymap = settings.config.keymap();
    state.colors = settings.config.colors.clone();
    state
}

fn spawn_effect(
    effect: Effect,
    ctx: &AwsContext,
    config: &Arc<Config>,
    tx: &mpsc::UnboundedSender<Msg>,
) {
    let (ctx, config, tx) = (ctx.clone(), Arc::clone(config), tx.clone());
    match effect {
        Effect::LoadClusters { req } => {
            tokio::spawn(async move {
                let keep = |name: &str| config.shows_cluster(name);
                let result = ecs::load_clusters(&ctx, &keep)
                    .await
                    .map_err(|e| e.to_string());
                let _ = tx.send(Msg::ClustersLoaded { req, result });
            });
        }
        Effect::LoadDetail { req, cluster } => {
            tokio::spawn(async move {
                let result = ecs::load_cluster_detail(&ctx, &cluster)
                    .await
                    .map_err(|e| e.to_string());
                let _ = tx.send(Msg::DetailLoaded {
                    req,
                    cluster: cluster.name,
                    result,
                });
            });
        }
        Effect::Quit => {}
    }
}

/// SIGTERM/SIGHUP end the loop like `q`, so the terminal is restored.
#[cfg(unix)]
fn terminate_signal() -> mpsc::UnboundedReceiver<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let (tx, rx) = mpsc::unbounded_channel();
    for kind in [SignalKind::terminate(), SignalKind::hangup()] {
        if let Ok(mut s) = signal(kind) {
            let tx = tx.clone();
            tokio::spawn(async move {
                s.recv().await;
                let _ = tx.send(());
            });
        }
    }
    rx
}

#[cfg(not(unix))]
fn terminate_signal() -> mpsc::UnboundedReceiver<()> {
    mpsc::unbounded_channel().1
}
