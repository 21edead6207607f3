//! The "Secrets" section of the service detail: each `secrets` entry of the running task
//! definition with where it points and whether its SSM parameter exists. Values are never
//! fetched, so there is nothing secret to draw.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::text::heading;
use super::theme::Theme;
use crate::app::State;
use crate::domain::{parse_value_from, SecretHealth, SecretState, SecretTarget, Service};
use crate::safety::sanitize;

/// One row as drawn, before padding.
struct Row {
    container: String,
    name: String,
    state: String,
    param_type: String,
    version: String,
    age: String,
    source: String,
    parameter: String,
    note: Option<String>,
}

pub fn lines<'a>(state: &State, cluster: &str, s: &Service, theme: &Theme) -> Vec<Line<'a>> {
    let checked = state
        .secrets
        .get(cluster)
        .and_then(|slot| slot.data.as_ref())
        .and_then(|by_service| by_service.get(&s.name));
    let rows: Vec<(Row, Style)> = match checked {
        Some(rows) => rows
            .iter()
            .map(|r| (row(r, state), state_style(&r.state, theme)))
            .collect(),
        // Not checked yet: the entries as the task definition has them.
        None => s
            .task_definition
            .iter()
            .flat_map(|td| &td.containers)
            .flat_map(|c| c.secrets.iter().map(move |x| (c, x)))
            .map(|(c, x)| (pending(&c.name, &x.name, &x.value_from), theme.dim))
            .collect(),
    };
    let mut out = vec![heading(
        &format!("Secrets ({}; values are never read)", rows.len()),
        theme,
    )];
    if rows.is_empty() {
        out.push(Line::styled("  none", theme.dim));
        return out;
    }
    let header = Row {
        container: "CONTAINER".into(),
        name: "VARIABLE".into(),
        state: "STATE".into(),
        param_type: "TYPE".into(),
        version: "VER".into(),
        age: "AGE".into(),
        source: "SOURCE".into(),
        parameter: "PARAMETER".into(),
        note: None,
    };
    let rows: Vec<(Row, Style)> = std::iter::once((header, theme.dim)).chain(rows).collect();
    let width = |f: fn(&Row) -> &str| rows.iter().map(|(r, _)| f(r).chars().count()).max();
    let w = [
        width(|r| &r.container),
        width(|r| &r.name),
        width(|r| &r.state),
        width(|r| &r.param_type),
        width(|r| &r.version),
        width(|r| &r.age),
        width(|r| &r.source),
    ]
    .map(Option::unwrap_or_default);
    for (i, (r, style)) in rows.into_iter().enumerate() {
        let line = Line::from(vec![
            Span::raw(format!(
                "  {:<cw$} {:<nw$} ",
                r.container,
                r.name,
                cw = w[0],
                nw = w[1]
            )),
            Span::styled(format!("{:<sw$}", r.state, sw = w[2]), style),
            Span::raw(format!(
                " {:<tw$} {:>vw$} {:>aw$}  ",
                r.param_type,
                r.version,
                r.age,
                tw = w[3],
                vw = w[4],
                aw = w[5]
            )),
            Span::styled(format!("{:<ow$} ", r.source, ow = w[6]), theme.dim),
            Span::raw(r.parameter),
        ]);
        // The header row is dim as a whole.
        out.push(if i == 0 { line.style(theme.dim) } else { line });
        if let Some(note) = r.note {
            let indent = 2 + w[0] + 1 + w[1] + 1;
            out.push(Line::styled(format!("{:indent$}{note}", ""), style));
        }
    }
    out
}

fn row(r: &SecretHealth, state: &State) -> Row {
    Row {
        container: sanitize(&r.container),
        name: sanitize(&r.name),
        state: r.state.as_str().to_string(),
        param_type: r.param_type.as_deref().map_or("-".into(), sanitize),
        version: r.version.map_or("-".into(), |v| format!("v{v}")),
        age: r.last_modified.map_or("-".into(), |t| t.age(state.now)),
        source: r.source.as_str().to_string(),
        parameter: sanitize(short_parameter(&r.parameter)),
        note: r.state.note().map(sanitize),
    }
}

fn pending(container: &str, name: &str, value_from: &str) -> Row {
    let (source, parameter) = match parse_value_from(value_from) {
        SecretTarget::Ssm { name, .. } => ("ssm", name),
        SecretTarget::SecretsManager { arn, .. } => ("secretsmanager", arn),
        SecretTarget::Other => ("unknown", value_from.to_string()),
    };
    Row {
        container: sanitize(container),
        name: sanitize(name),
        state: "checking…".into(),
        param_type: "-".into(),
        version: "-".into(),
        age: "-".into(),
        source: source.into(),
        parameter: sanitize(short_parameter(&parameter)),
        note: None,
    }
}

/// A Secrets Manager ARN is long; its `secret:NAME…` part is what a person recognises
/// (`t` shows the whole valueFrom). Parameter names stay whole.
fn short_parameter(p: &str) -> &str {
    match p.find(":secret:") {
        Some(i) if p.starts_with("arn:") => &p[i + 1..],
        _ => p,
    }
}

/// Missing in the error colour; unknown (a failed check) as a warning.
fn state_style(s: &SecretState, theme: &Theme) -> Style {
    match s {
        SecretState::Exists => theme.ok,
        SecretState::Missing => theme.error,
        SecretState::Unknown(_) => theme.warn,
        SecretState::NotChecked(_) => theme.dim,
    }
}
