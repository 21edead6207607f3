//! The event loop: terminal events, a clock tick and AWS answers become `Msg`s; the
//! `Effect`s `update` returns become tokio tasks whose results come back as `Msg`s.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::terminal::Session;
use crate::app::{update, Effect, MouseInput, Msg, State};
use crate::aws::{ecs, AwsContext};
use crate::cli::Settings;
use crate::config::Config;
use crate::ops::interrupt::{Interruption, Signal, Signals, Tracker};
use crate::ops::logs::follow::FollowOptions;
use crate::ops::logs::{follow, LogPlan};
use crate::ops::progress::Reporter;
use crate::timefmt::Timestamp;
use crate::ui;

const TICK: Duration = Duration::from_millis(250);
/// How long the session's findings are reused at most (as `toadtop watch`'s).
const FINDINGS_FRESH_FOR: Duration = Duration::from_secs(3600);

/// What `main` read before the TUI starts.
pub struct Startup {
    pub profiles: Vec<crate::aws::profiles::ProfileInfo>,
    /// The last session's place (`ops::remember::read`).
    pub remembered: Result<Option<crate::ops::remember::Remembered>, String>,
}

/// Runs the TUI until quit; `Some(signal)` when SIGINT, SIGTERM or SIGHUP ended it (the
/// exit code is the signal's). An action still running is recorded as interrupted and
/// what it left is printed once the terminal is restored.
pub async fn run(
    settings: Settings,
    ctx: AwsContext,
    startup: Startup,
) -> std::io::Result<Option<Signal>> {
    // Before the terminal is taken, so no signal can end toadtop with it raw.
    let mut signals = Signals::listen();
    let mut session = Session::enter(settings.config.mouse)?;
    let mut state = initial_state(&settings, &ctx, startup);
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (switch_tx, mut switch_rx) = mpsc::unbounded_channel();
    let mut effects = Effects {
        ctx,
        aws: settings.aws.clone(),
        switch_tx,
        config: Arc::new(settings.config),
        tx,
        findings: Arc::new(crate::aws::findings::FindingsCache::default()),
        findings_born: std::time::Instant::now(),
        logs: HashMap::new(),
        job: None,
        forwards: HashMap::new(),
    };
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signalled = None;
    let mut hit = None;
    let mut clicks = Clicks::default();
    let mut test_panic = test_panic_place();

    loop {
        let (mut text, mut modal) = (None, None);
        session.terminal.draw(|f| {
            let drawn = ui::draw(&state, f);
            (hit, text, modal) = (drawn.hit, drawn.text, drawn.modal);
        })?;
        state.modal_view = modal;
        // What the text pane on top holds, so keys scroll within it (`app::text_view`).
        state.text_viewport = text;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Mouse(m))) => match clicks.place(m, hit) {
                    Some(input) => Msg::Mouse(input),
                    None => continue,
                },
                Some(Ok(_)) => continue, // resize and others: redraw
                Some(Err(e)) => return Err(e),
                None => break,
            },
            _ = tick.tick() => Msg::Tick(Timestamp::now()),
            Some(m) = rx.recv() => m,
            Some(done) = switch_rx.recv() => effects.switched(done),
            sig = signals.recv() => {
                signalled = Some(sig);
                break;
            }
        };
        if matches!(msg, Msg::Tick(_)) {
            if let Some(place) = test_panic.take() {
                panic_for_tests(&place);
            }
        }
        let size = session.terminal.size()?;
        state.page_rows = ui::page_rows(ui::body_height(&state, size.width, size.height));
        if let Msg::Tick(_) = msg {
            state.throttled = effects.ctx.stats.throttled_within(
                crate::aws::stats::THROTTLED_WINDOW,
                std::time::Instant::now(),
            );
        }
        // The time every message is handled at (a confirmation's Enter counts only a
        // moment after it opened), kept out of `update` itself.
        state.now = Timestamp::now();
        let mut pending = update(&mut state, msg);
        // Everything else already waiting goes in before the next frame, so a burst of
        // log batches costs one draw.
        while let Ok(msg) = rx.try_recv() {
            state.now = Timestamp::now();
            pending.extend(update(&mut state, msg));
        }
        while !pending.is_empty() {
            for effect in std::mem::take(&mut pending) {
                match effect {
                    // Exec needs the terminal itself, so it runs here, not as a task.
                    Effect::Exec { target } => {
                        let result = exec_foreground(
                            &mut session,
                            &mut events,
                            &effects.ctx,
                            &state.exec_plugin,
                            target,
                        )
                        .await;
                        pending.extend(update(&mut state, Msg::ExecDone(result)));
                    }
                    Effect::DropQueuedInput => drop_queued_input(),
                    Effect::Copy { text } => {
                        // Between frames, so the sequence cannot split a frame's output.
                        if let Err(e) = super::clipboard::copy(&mut std::io::stdout(), &text) {
                            state.say(format!("copy: {e}"), true);
                        }
                    }
                    other => effects.run(other),
                }
            }
        }
        if state.quit {
            break;
        }
    }
    let why = signalled.map_or(Interruption::Quit, Interruption::Signal);
    let left = effects.interrupt_job(why).await;
    effects.stop_all();
    // Every forward ends with its session terminated (the screen still up meanwhile).
    effects.end_forwards().await;
    // Quitting must not fail over this file: the next start just opens the clusters.
    let _ = crate::ops::remember::write(&crate::app::update::remember::snapshot(&state));
    // The terminal back first: what was left goes to the shell, where it stays readable.
    drop(session);
    if let Some(out) = left {
        crate::headless::say_error(format_args!(
            "{}; recorded in the audit log as interrupted",
            out.summary()
        ));
    }
    Ok(signalled)
}

/// Reads and drops every terminal event already waiting (parsed by crossterm or readable
/// without blocking): keys typed or pasted before a confirmation appeared, such as the
/// second Enter of a key repeat, must not answer it. The blocking-free `poll(ZERO)` (not
/// the `EventStream`, whose waker a non-async poll would lose): it only try-locks the
/// reader, so it never waits for the stream's own reader thread.
fn drop_queued_input() {
    let mut dropped = 0u32;
    while matches!(crossterm::event::poll(Duration::ZERO), Ok(true)) {
        if crossterm::event::read().is_err() {
            break;
        }
        dropped += 1;
    }
    if dropped > 0 {
        tracing::debug!(dropped, "input queued before a confirmation dropped");
    }
}

/// The action the TUI runs (one at a time): `interrupt` cuts it short.
struct RunningJob {
    interrupt: tokio::sync::oneshot::Sender<Interruption>,
    handle: JoinHandle<crate::ops::progress::Outcome>,
}

/// How long leaving waits for a cut-short job to write its audit end line (a local
/// file write: far shorter in practice).
const JOB_STOP_WAIT: Duration = Duration::from_secs(5);

/// Test-only (the crash tests of tests/tui_pty.rs), not a user setting: makes the first
/// clock tick panic, in the event loop (`loop`) or in a spawned task (`task`), so the crash
/// handling of the real binary can be checked.
const TEST_PANIC: &str = "TOADTOP_TEST_PANIC";

/// Debug builds (the tests' binary) only: a release build never reads the variable, so
/// no environment can make an operator's toadtop panic on purpose.
#[cfg(debug_assertions)]
fn test_panic_place() -> Option<String> {
    std::env::var(TEST_PANIC).ok()
}

#[cfg(not(debug_assertions))]
fn test_panic_place() -> Option<String> {
    None
}

fn panic_for_tests(place: &str) {
    if place == "task" {
        tokio::spawn(async { panic!("{TEST_PANIC}=task: a test asked for this panic") });
    } else {
        panic!("{TEST_PANIC}={place}: a test asked for this panic");
    }
}

/// Turns raw mouse events into row clicks, telling a double click by time and row.
#[derive(Default)]
struct Clicks {
    last: Option<(usize, std::time::Instant)>,
}

impl Clicks {
    const DOUBLE: Duration = Duration::from_millis(400);
    const WHEEL_ROWS: i32 = 3;

    fn place(&mut self, m: MouseEvent, hit: Option<ui::ListHit>) -> Option<MouseInput> {
        match m.kind {
            MouseEventKind::ScrollDown => Some(MouseInput::Wheel(Self::WHEEL_ROWS)),
            MouseEventKind::ScrollUp => Some(MouseInput::Wheel(-Self::WHEEL_ROWS)),
            MouseEventKind::Down(MouseButton::Left) => {
                let row = hit?.row_at(m.column, m.row)?;
                let now = std::time::Instant::now();
                let double = self
                    .last
                    .is_some_and(|(r, at)| r == row && now.duration_since(at) < Self::DOUBLE);
                // A third click starts over rather than drilling in twice.
                self.last = if double { None } else { Some((row, now)) };
                Some(MouseInput::Click { row, double })
            }
            _ => None,
        }
    }
}

fn initial_state(settings: &Settings, ctx: &AwsContext, startup: Startup) -> State {
    let mut state = State::new(
        ctx.profile.clone(),
        ctx.region.clone(),
        ctx.endpoint_url.clone(),
        Timestamp::now(),
    );
    state.read_only = settings.read_only;
    state.refresh_secs = settings.refresh_secs;
    state.keymap = settings.config.keymap();
    state.colors = settings
        .config
        .theme
        .resolve(crate::config::theme::no_color_env());
    state.log_settings = settings.config.logs.clone();
    state.config = settings.config.clone();
    state.exec_plugin =
        crate::ops::exec::plugin::locate_here(settings.config.exec.plugin.as_deref())
            .map(|p| p.display().to_string());
    state.account.profiles = startup.profiles;
    state.account.profile_flag = ctx.profile_flag.clone();
    match startup.remembered {
        Ok(Some(place)) => crate::app::update::remember::plan_restore(&mut state, place),
        Ok(None) => {}
        Err(warning) => state.say(warning, true),
    }
    state
}

/// Runs an exec session in the foreground: the TUI steps aside (no event reading, main
/// screen, cooked mode), the plugin owns the terminal, then everything comes back.
async fn exec_foreground(
    session: &mut Session,
    events: &mut EventStream,
    ctx: &AwsContext,
    plugin: &Result<String, String>,
    target: crate::ops::exec::session::ExecTarget,
) -> Result<String, String> {
    use crate::ops::exec::session;

    let plugin = plugin
        .clone()
        .map_err(|e| format!("exec: {e}; install session-manager-plugin (see the README)"))?;
    let mut resumed = Ok(());
    let audit_errors = std::cell::RefCell::new(Vec::new());
    let ended = session::run_audited(
        ctx,
        &target,
        std::path::Path::new(&plugin),
        |inv| {
            // Stop reading keys: they belong to the session now.
            drop(std::mem::replace(events, EventStream::new()));
            session.suspend();
            // On the plain terminal: the names come from AWS, the command from the config.
            println!(
                "toadtop: {} in {} of task {} — leave the shell to come back",
                crate::safety::sanitize(&crate::safety::mask_command_line(&target.command)),
                crate::safety::sanitize(&target.container),
                crate::safety::sanitize(crate::domain::short_task_id(&target.task.id))
            );
            let status = tokio::task::block_in_place(|| session::run_foreground(inv));
            // Dropping an EventStream wakes crossterm's shared reader. Swallow that wake-up
            // now, while the terminal is still in line mode (a lone key is not readable
            // yet): left pending, it comes in the same poll as the first key pressed after
            // resume, crossterm then loses that key's readiness, and the key waits until
            // another one is pressed.
            *events = EventStream::new();
            let _ = crossterm::event::poll(Duration::ZERO);
            resumed = session.resume();
            status
        },
        |e| audit_errors.borrow_mut().push(e),
    )
    .await
    .map_err(|e| format!("exec: {e}"))?;
    resumed.map_err(|e| format!("terminal: {e}"))?;
    let text = match &ended.status {
        Ok(s) => format!(
            "exec {} in {}: exit {} after {}s",
            target.command,
            target.container,
            s.code()
                .map_or_else(|| "by signal".to_string(), |c| c.to_string()),
            ended.duration.as_secs()
        ),
        Err(e) => format!("exec: could not run {}: {e}", ended.program.display()),
    };
    match (ended.status, audit_errors.into_inner().pop()) {
        (Ok(_), None) => Ok(text),
        (Ok(_), Some(a)) => Err(format!("{text} ({a})")),
        (Err(_), _) => Err(text),
    }
}

/// Carries out effects: AWS loads and log followers as tokio tasks reporting back as `Msg`s.
struct Effects {
    ctx: AwsContext,
    /// What `ctx` was built from, the base of the next switch.
    aws: crate::aws::AwsSettings,
    switch_tx: mpsc::UnboundedSender<super::switch::Done>,
    config: Arc<Config>,
    tx: mpsc::UnboundedSender<Msg>,
    /// Findings by image digest, started over every `[findings] cache_minutes` (at most
    /// [`FINDINGS_FRESH_FOR`]): continuous scanning finds new CVEs in images that run, and
    /// `:events` tells them.
    findings: Arc<crate::aws::findings::FindingsCache>,
    findings_born: std::time::Instant,
    /// Running log followers: the plan channel (new tasks join) and the tasks to abort.
    logs: HashMap<u64, (watch::Sender<LogPlan>, [JoinHandle<()>; 2])>,
    job: Option<RunningJob>,
    /// Port forwards by id: the sender that ends one (with why), and its task.
    forwards: HashMap<u64, (Option<tokio::sync::oneshot::Sender<String>>, JoinHandle<()>)>,
}

impl Effects {
    fn run(&mut self, effect: Effect) {
        let (ctx, config, tx) = (self.ctx.clone(), Arc::clone(&self.config), self.tx.clone());
        match effect {
            Effect::LoadClusters { req } => {
                spawn_traced("load_clusters", async move {
                    let keep = |name: &str| config.shows_cluster(name);
                    let result = ecs::load_clusters(&ctx, &keep)
                        .await
                        .map_err(|e| crate::aws::error::classify(e.to_string()));
                    let _ = tx.send(Msg::ClustersLoaded { req, result });
                });
            }
            Effect::LoadDetail { req, cluster } => {
                spawn_traced("load_detail", async move {
                    let result = ecs::load_cluster_detail(&ctx, &cluster)
                        .await
                        .map_err(|e| crate::aws::error::classify(e.to_string()));
                    let _ = tx.send(Msg::DetailLoaded {
                        req,
                        cluster: cluster.name,
                        result,
                    });
                });
            }
            Effect::StartLogs {
                session,
                plan,
                since_ms,
                live_tail,
            } => {
                let (plan_tx, plan_rx) = watch::channel(plan);
                let (ftx, mut frx) = mpsc::unbounded_channel();
                let opts = FollowOptions {
                    since_ms,
                    follow: true,
                    live_tail,
                };
                let follower = spawn_traced("follow_logs", follow(ctx, plan_rx, opts, ftx));
                let forwarder = tokio::spawn(async move {
                    while let Some(event) = frx.recv().await {
                        if tx.send(Msg::Log { session, event }).is_err() {
                            break;
                        }
                    }
                });
                self.logs.insert(session, (plan_tx, [follower, forwarder]));
            }
            Effect::UpdateLogPlan { session, plan } => {
                if let Some((plan_tx, _)) = self.logs.get(&session) {
                    let _ = plan_tx.send(plan);
                }
            }
            Effect::StopLogs { session } => {
                if let Some((_, tasks)) = self.logs.remove(&session) {
                    tasks.iter().for_each(JoinHandle::abort);
                }
            }
            Effect::SaveFile { name, contents } => {
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::Saved(save_file(&name, &contents)));
                });
            }
            // Off the event loop: an opener gets a moment to fail (`tui::opener`).
            Effect::OpenUrl { label, url } => {
                let candidates = super::opener::candidates_here(&url);
                tokio::task::spawn_blocking(move || {
                    let result = super::opener::open(&candidates);
                    let _ = tx.send(Msg::Opened { label, url, result });
                });
            }
            Effect::LoadImages {
                cluster,
                service,
                container,
                registry,
                repository,
                base,
            } => {
                let cache = Arc::clone(&self.findings);
                spawn_traced("load_images", async move {
                    let result = crate::aws::ecr::list_images(&ctx, &registry, &repository)
                        .await
                        .map_err(|e| e.to_string());
                    // The tags at once; their scans (the findings pane's cache) follow.
                    let _ = tx.send(Msg::ImagesLoaded {
                        cluster: cluster.clone(),
                        service: service.clone(),
                        container: container.clone(),
                        result: result.clone(),
                    });
                    if let Ok(mut images) = result {
                        let limit = crate::app::actions::MAX_TAGS;
                        crate::aws::ecr::add_findings(&ctx, &base, &mut images, limit, &cache)
                            .await;
                        let _ = tx.send(Msg::ImagesLoaded {
                            cluster,
                            service,
                            container,
                            result: Ok(images),
                        });
                    }
                });
            }
            Effect::PrepareDeploy { job } | Effect::PrepareRollback { job } => {
                let cache = Arc::clone(&self.findings);
                spawn_traced("prepare", async move {
                    let result = crate::ops::jobs::preview(&ctx, &job, &cache).await;
                    let _ = tx.send(Msg::Prepared { job, result });
                });
            }
            Effect::RunJob {
                id,
                job,
                before,
                expect,
                account,
            } => {
                let who = crate::ops::audit::Who {
                    profile: ctx.profile.clone(),
                    region: ctx.region.clone(),
                    account,
                };
                let (interrupt, interrupted) = tokio::sync::oneshot::channel();
                let handle = spawn_traced("run_job", async move {
                    let progress_tx = tx.clone();
                    let tracker = Tracker::default();
                    let report: Reporter = tracker.reporter(Arc::new(move |progress| {
                        let _ = progress_tx.send(Msg::JobProgress { id, progress });
                    }));
                    let start = crate::ops::jobs::start_line(&job, before);
                    let audit_report = Arc::clone(&report);
                    // A dropped sender is no interruption: only a sent reason is.
                    let interrupt = async {
                        match interrupted.await {
                            Ok(why) => why,
                            Err(_) => std::future::pending().await,
                        }
                    };
                    let outcome = crate::ops::audit::audited(
                        &who,
                        &start,
                        &tracker,
                        crate::ops::jobs::run(&ctx, &job, expect.as_deref(), &report),
                        interrupt,
                        |e| {
                            crate::ops::progress::say(
                                &audit_report,
                                crate::ops::progress::Tone::Bad,
                                e,
                            )
                        },
                    )
                    .await;
                    let _ = tx.send(Msg::JobDone {
                        id,
                        outcome: outcome.clone(),
                    });
                    outcome
                });
                self.job = Some(RunningJob { interrupt, handle });
            }
            Effect::StartForward { id, spec } => {
                let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
                let handle =
                    spawn_traced("forward", run_forward(ctx, config, tx, id, spec, stop_rx));
                self.forwards.insert(id, (Some(stop_tx), handle));
            }
            Effect::StopForward { id, why } => {
                if let Some(stop) = self.forwards.get_mut(&id).and_then(|(s, _)| s.take()) {
                    let _ = stop.send(why);
                }
            }
            Effect::LoadImageVolumes { query } => {
                spawn_traced("load_image_volumes", async move {
                    let volumes = crate::ops::exec::image::volumes(&ctx, &query).await;
                    let _ = tx.send(Msg::ImageVolumes { query, volumes });
                });
            }
            Effect::LoadFindings { images } => {
                let fresh_for = FINDINGS_FRESH_FOR
                    .min(Duration::from_secs(self.config.findings.cache_minutes * 60));
                if self.findings_born.elapsed() >= fresh_for {
                    self.findings = Arc::new(crate::aws::findings::FindingsCache::default());
                    self.findings_born = std::time::Instant::now();
                }
                let cache = Arc::clone(&self.findings);
                spawn_traced("load_findings", async move {
                    let found = crate::aws::findings::load(&ctx, &images, &cache).await;
                    let _ = tx.send(Msg::FindingsLoaded(found));
                });
            }
            Effect::LoadMetrics {
                req,
                cluster,
                services,
            } => {
                spawn_traced("load_metrics", async move {
                    let now = crate::timefmt::Timestamp::now().millis();
                    let result =
                        crate::aws::metrics::service_metrics(&ctx, &cluster, &services, now)
                            .await
                            .map_err(|e| crate::aws::error::classify(e.to_string()));
                    let _ = tx.send(Msg::MetricsLoaded {
                        req,
                        cluster,
                        result,
                    });
                });
            }
            Effect::Switch { profile, region } => {
                let target = super::switch::target(&self.aws, profile, region);
                super::switch::spawn(target, self.switch_tx.clone());
            }
            Effect::LoadSecrets {
                req,
                cluster,
                services,
            } => {
                spawn_traced("load_secrets", async move {
                    let secrets = crate::aws::parameters::secrets_health(&ctx, &services).await;
                    let _ = tx.send(Msg::SecretsLoaded {
                        req,
                        cluster,
                        secrets,
                    });
                });
            }
            Effect::LoadRevisions { req, family } => {
                spawn_traced("load_revisions", async move {
                    let result = crate::aws::taskdefs::list_revisions(&ctx, &family)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::RevisionsListed {
                        req,
                        family,
                        result,
                    });
                });
            }
            Effect::DescribeRevisions { arns } => {
                spawn_traced("describe_revisions", async move {
                    // A failure names the call; each asked-for revision carries it.
                    let described = match crate::aws::taskdefs::describe(&ctx, &arns).await {
                        Ok(mut found) => arns
                            .into_iter()
                            .map(|a| {
                                let td = found
                                    .remove(&a)
                                    .ok_or_else(|| "DescribeTaskDefinition: not found".into());
                                (a, td)
                            })
                            .collect(),
                        Err(e) => arns.into_iter().map(|a| (a, Err(e.to_string()))).collect(),
                    };
                    let _ = tx.send(Msg::RevisionsDescribed(described));
                });
            }
            // Handled in the event loop: they need the terminal.
            Effect::Exec { .. } | Effect::Copy { .. } | Effect::DropQueuedInput | Effect::Quit => {}
        }
    }

    /// Installs the clients of a finished switch; loads still running for the old ones
    /// answer into slots `update` has reset, so they are dropped as stale.
    fn switched(&mut self, done: super::switch::Done) -> Msg {
        let ctx = match done.result {
            Ok(ctx) => ctx,
            Err(e) => return Msg::Switched(Err(crate::aws::error::classify(e))),
        };
        self.stop_all();
        self.findings = Arc::new(crate::aws::findings::FindingsCache::default());
        self.aws = done.settings;
        self.ctx = ctx;
        let place = crate::ops::remember::Remembered {
            profile: self.ctx.profile_flag.clone(),
            region: Some(self.ctx.region.clone()),
            ..Default::default()
        };
        // Best effort, like on quit: remembering is a convenience.
        let _ = crate::ops::remember::write(&place);
        Msg::Switched(Ok(crate::app::Switched {
            profile_flag: self.ctx.profile_flag.clone(),
            profile: self.ctx.profile.clone(),
            region: self.ctx.region.clone(),
            endpoint_url: self.ctx.endpoint_url.clone(),
            profiles: done.profiles,
        }))
    }

    /// Leaving while the job runs: it stops, writes its `interrupted` end line and
    /// comes back with what it left (None when no job was running).
    async fn interrupt_job(&mut self, why: Interruption) -> Option<crate::ops::progress::Outcome> {
        let job = self.job.take()?;
        if job.handle.is_finished() {
            return None;
        }
        // Refused only when it ended meanwhile: then its own end line stands.
        let _ = job.interrupt.send(why);
        match tokio::time::timeout(JOB_STOP_WAIT, job.handle).await {
            Ok(Ok(out)) if out.result == crate::ops::progress::Result_::Interrupted => Some(out),
            _ => None,
        }
    }

    /// Quitting: every forward is asked to end and given a moment to terminate its
    /// session and write its audit end line.
    async fn end_forwards(&mut self) {
        let handles: Vec<JoinHandle<()>> = self
            .forwards
            .drain()
            .map(|(_, (stop, handle))| {
                if let Some(stop) = stop {
                    let _ = stop.send("toadtop quit".into());
                }
                handle
            })
            .collect();
        let _ = tokio::time::timeout(FORWARD_STOP_WAIT, futures::future::join_all(handles)).await;
    }

    fn stop_all(&mut self) {
        for (_, (_, tasks)) in self.logs.drain() {
            tasks.iter().for_each(JoinHandle::abort);
        }
    }
}

/// How long quitting waits for the forwards to end (SIGTERM, then SIGKILL after 3 s, then
/// TerminateSession).
const FORWARD_STOP_WAIT: Duration = Duration::from_secs(10);

/// One forward in the background, reporting as `Msg::Forward`: the local port checked
/// (before StartSession), then `ops::forward::run` until `stop` says why to end.
async fn run_forward(
    ctx: AwsContext,
    config: Arc<Config>,
    tx: mpsc::UnboundedSender<Msg>,
    id: u64,
    spec: crate::ops::forward::ForwardSpec,
    stop: tokio::sync::oneshot::Receiver<String>,
) {
    use crate::app::ForwardEvent;
    use crate::ops::forward::{self, run};
    let send = |event| {
        let _ = tx.send(Msg::Forward { id, event });
    };
    let fail = |why: String| {
        send(ForwardEvent::Ended {
            failure: Some(why),
            stopped_by: None,
            note: None,
        })
    };
    let plugin = match crate::ops::exec::plugin::locate_here(config.exec.plugin.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            return fail(format!(
                "{e}; install session-manager-plugin (see the README)"
            ))
        }
    };
    let port = match forward::local_port(spec.local_port) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    // A dropped sender (toadtop leaving) ends it too.
    let stop = async { stop.await.unwrap_or_else(|_| "toadtop quit".into()) };
    let audit_error = std::sync::Mutex::new(None);
    let ended = run::run(
        &ctx,
        &spec,
        &plugin,
        port,
        |event| match event {
            run::Event::Started { local, .. } => send(ForwardEvent::Started { local }),
            run::Event::Ready => send(ForwardEvent::Ready),
            run::Event::Output(line) => send(ForwardEvent::Output(line)),
        },
        stop,
        |e| {
            if let Ok(mut slot) = audit_error.lock() {
                *slot = Some(e);
            }
        },
    )
    .await;
    let audit_error = audit_error.lock().ok().and_then(|mut s| s.take());
    match ended {
        Err(e) => fail(e),
        Ok(end) => send(ForwardEvent::Ended {
            failure: end.failure,
            stopped_by: end.stopped_by,
            note: end
                .terminate_error
                .map(|e| format!("TerminateSession failed: {e}"))
                .or(audit_error),
        }),
    }
}

/// Saved logs go to the data dir (`~/.local/share/toadtop/saved-logs` on Linux).
/// Spawns an effect's work, noting in the diagnostic log (debug) when it starts and how
/// long it took (the effect's kind only: its data may hold log text).
fn spawn_traced<F, T>(effect: &'static str, work: F) -> JoinHandle<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    tracing::debug!(effect, "effect started");
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let out = work.await;
        tracing::debug!(effect, took = ?started.elapsed(), "effect finished");
        out
    })
}

fn save_file(name: &str, contents: &str) -> Result<String, String> {
    let data = crate::config::Config::data_dir().ok_or("no home directory to save into")?;
    let dir = data.join("saved-logs");
    for d in [&data, &dir] {
        crate::private_fs::private_dir(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    // The name is built from cluster and service names: keep it to one path component.
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(safe);
    crate::private_fs::write_atomic(&path, contents.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}
