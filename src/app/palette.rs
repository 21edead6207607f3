//! The `:` command palette: what each command is called, and completion.

/// What a command's argument completes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    Profile,
    Region,
    Cluster,
    /// A task-definition family of the loaded services.
    Family,
}

pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub arg: Option<Arg>,
    /// Whether the argument is optional (e.g. `:taskdefs` uses the selection's family).
    pub arg_optional: bool,
    pub about: &'static str,
}

const fn cmd(name: &'static str, aliases: &'static [&'static str], about: &'static str) -> Command {
    Command {
        name,
        aliases,
        arg: None,
        arg_optional: true,
        about,
    }
}

pub const COMMANDS: &[Command] = &[
    cmd("clusters", &["cl"], "the cluster list"),
    Command {
        arg: Some(Arg::Cluster),
        ..cmd(
            "services",
            &["svc"],
            "services of the current or named cluster",
        )
    },
    cmd("tasks", &[], "tasks of the current service"),
    cmd(
        "standalone",
        &["st"],
        "standalone tasks of the cluster: migrations, one-offs",
    ),
    Command {
        arg: Some(Arg::Family),
        ..cmd(
            "taskdefs",
            &["td"],
            "a family's revisions, and a diff of any two",
        )
    },
    cmd("logs", &[], "logs of the current service or task"),
    cmd("findings", &["f"], "image-scan findings of the cluster"),
    cmd("alerts", &["a"], "what needs attention, every cluster"),
    cmd(
        "events",
        &["ev"],
        "alerts raised and resolved, deployments, since start",
    ),
    cmd("doctor", &[], "why exec would fail for the selected task"),
    cmd("job", &["action"], "the last action (deploy, migrate, ...)"),
    cmd("messages", &["msg"], "the last 50 messages, newest first"),
    cmd("forwards", &["fw"], "port forwards: running and ended"),
    Command {
        arg: Some(Arg::Profile),
        arg_optional: false,
        ..cmd("profile", &[], "switch AWS profile (and to its region)")
    },
    Command {
        arg: Some(Arg::Region),
        arg_optional: false,
        ..cmd("region", &[], "switch region")
    },
    cmd("help", &["h"], "this page"),
    cmd("quit", &["q", "q!"], "leave toadtop"),
];

/// The command a typed word names (its name or an alias).
pub fn find(word: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.name == word || c.aliases.contains(&word))
}

/// `:help` shows `taskdefs [FAMILY]`, `profile NAME`.
pub fn usage(c: &Command) -> String {
    match (c.arg, c.arg_optional) {
        (None, _) => c.name.to_string(),
        (Some(a), optional) => {
            let what = match a {
                Arg::Profile | Arg::Region => "NAME",
                Arg::Family => "FAMILY",
                Arg::Cluster => "CLUSTER",
            };
            if optional {
                format!("{} [{what}]", c.name)
            } else {
                format!("{} {what}", c.name)
            }
        }
    }
}

/// Every full text the palette could complete `text` to, given the argument values
/// (`values(arg)`) known now. Completing the command word lists command names;
/// after a space, the argument's values.
pub fn suggestions(text: &str, values: impl Fn(Arg) -> Vec<String>) -> Vec<String> {
    match text.split_once(' ') {
        // An alias typed whole (`svc`) completes to its command's name.
        None => COMMANDS
            .iter()
            .filter(|c| c.name.starts_with(text) || c.aliases.contains(&text))
            .map(|c| c.name.to_string())
            .collect(),
        Some((word, typed)) => {
            let Some(arg) = find(word).and_then(|c| c.arg) else {
                return Vec::new();
            };
            let typed = typed.trim_start();
            values(arg)
                .into_iter()
                .filter(|v| v.starts_with(typed))
                .map(|v| format!("{word} {v}"))
                .collect()
        }
    }
}

/// Tab: the longest text all suggestions share; a single command that takes an argument
/// gets its space, so the next Tab lists the values.
pub fn complete(text: &str, suggestions: &[String]) -> Option<String> {
    let first = suggestions.first()?;
    let mut common = first.len();
    for s in &suggestions[1..] {
        common = common.min(
            first
                .char_indices()
                .zip(s.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8()),
        );
    }
    let mut done = first[..common].to_string();
    if suggestions.len() == 1 && !done.contains(' ') && find(&done).is_some_and(|c| c.arg.is_some())
    {
        done.push(' ');
    }
    (done != text).then_some(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(arg: Arg) -> Vec<String> {
        match arg {
            Arg::Profile => vec!["default".into(), "other".into(), "ops-prod".into()],
            Arg::Region => vec!["eu-west-1".into(), "eu-west-2".into(), "us-east-1".into()],
            Arg::Family => vec!["laravel-web".into()],
            Arg::Cluster => vec!["production".into()],
        }
    }

    #[test]
    fn command_words_complete_to_what_they_share() {
        assert_eq!(suggestions("ta", values), ["tasks", "taskdefs"]);
        assert_eq!(
            complete("ta", &suggestions("ta", values)).as_deref(),
            Some("task")
        );
        assert_eq!(
            complete("al", &suggestions("al", values)).as_deref(),
            Some("alerts")
        );
        // A command with an argument gets its space, ready for the values.
        assert_eq!(
            complete("prof", &suggestions("prof", values)).as_deref(),
            Some("profile ")
        );
        assert_eq!(complete("zz", &suggestions("zz", values)), None);
        assert_eq!(
            complete("svc", &suggestions("svc", values)).as_deref(),
            Some("services ")
        );
    }

    #[test]
    fn arguments_complete_from_their_values() {
        assert_eq!(
            suggestions("profile o", values),
            ["profile other", "profile ops-prod"]
        );
        assert_eq!(
            complete("profile o", &suggestions("profile o", values)),
            None,
            "two profiles share nothing more than the typed `o`"
        );
        assert_eq!(
            complete("region eu-west-2", &suggestions("region eu-west-2", values)),
            None,
            "nothing left to add"
        );
        assert_eq!(
            complete("region eu", &suggestions("region eu", values)).as_deref(),
            Some("region eu-west-")
        );
        assert_eq!(
            complete("td l", &suggestions("td l", values)).as_deref(),
            Some("td laravel-web")
        );
        assert!(suggestions("help x", values).is_empty());
    }

    #[test]
    fn aliases_and_usage() {
        assert_eq!(find("svc").map(|c| c.name), Some("services"));
        assert_eq!(find("q!").map(|c| c.name), Some("quit"));
        assert!(find("nope").is_none());
        let usages: Vec<String> = COMMANDS.iter().map(usage).collect();
        assert!(usages.contains(&"profile NAME".to_string()));
        assert!(usages.contains(&"taskdefs [FAMILY]".to_string()));
    }
}
