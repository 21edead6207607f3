//! Frame render time at fleet scale: the services pane over 2,000 services (also sorted)
//! and the tasks pane over 10,000 tasks (target: under 2 ms a frame). Only visible rows
//! are formatted.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use toadtop::app::{Screen, State, View};
use toadtop::fixtures;

fn bench_state(services: usize, tasks: usize, view: View) -> State {
    let mut state = fixtures::state_with(fixtures::large(services, tasks));
    let mut screen = Screen::new(view);
    // Somewhere in the middle, so the window is not the trivial first page.
    screen.selected = services.max(tasks) / 2;
    state.stack.push(screen);
    state
}

fn sorted(column: usize) -> State {
    let mut s = bench_state(
        2000,
        1,
        View::Services {
            cluster: "production".into(),
        },
    );
    s.sorts.insert(
        toadtop::app::columns::Pane::Services,
        toadtop::app::columns::Sort {
            column,
            descending: true,
        },
    );
    s
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    let cases = [
        (
            "services_2000",
            bench_state(
                2000,
                1,
                View::Services {
                    cluster: "production".into(),
                },
            ),
        ),
        (
            "tasks_10000",
            bench_state(
                1,
                10_000,
                View::Tasks {
                    cluster: "production".into(),
                    service: "service-00000".into(),
                },
            ),
        ),
        ("services_2000_filtered", {
            let mut s = bench_state(
                2000,
                1,
                View::Services {
                    cluster: "production".into(),
                },
            );
            s.screen_mut().filter = "service-01".into();
            s.screen_mut().selected = 3;
            s
        }),
        // Sorted every frame: by name (text keys) and by VULNS (computed per row).
        ("services_2000_sorted_name", sorted(0)),
        ("services_2000_sorted_vulns", sorted(6)),
    ];
    for (name, state) in &cases {
        for (w, h) in [(120u16, 40u16), (250, 70)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
            group.bench_with_input(
                BenchmarkId::new(*name, format!("{w}x{h}")),
                state,
                |b, state| {
                    b.iter(|| {
                        terminal
                            .draw(|f| {
                                toadtop::ui::draw(state, f);
                            })
                            .expect("draw");
                    })
                },
            );
        }
    }
    // The log pane over a full 50,000-record buffer: following, and paused mid-buffer
    // with a level filter and a search (the filter pass touches every record).
    let following = fixtures::log_state(70_000);
    let mut filtered = fixtures::log_state(70_000);
    if let Some(p) = filtered.logs.as_mut() {
        p.min_level = toadtop::logs::Level::Warning;
        p.search = "connection".into();
        p.find_newest();
        p.move_by(-200);
    }
    for (name, state) in [
        ("logs_50000_follow", &following),
        ("logs_50000_filtered_paused", &filtered),
    ] {
        for (w, h) in [(120u16, 40u16), (250, 70)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
            group.bench_with_input(
                BenchmarkId::new(name, format!("{w}x{h}")),
                state,
                |b, state| {
                    b.iter(|| {
                        terminal
                            .draw(|f| {
                                toadtop::ui::draw(state, f);
                            })
                            .expect("draw");
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
