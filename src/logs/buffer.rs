//! Bounded ring of [`LogRecord`]s fed with CloudWatch events.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

use super::parse::{
    floor_boundary, line_kind, split_context, Follow, LineKind, Parsed, MAX_LINE_BYTES,
    MAX_STACK_BYTES, MAX_STACK_LINES,
};
use super::record::{Format, Level, LogRecord};
use crate::safety::{is_printable_ascii, sanitize};

/// Keeps at most `capacity` records, evicting the oldest. Sequence numbers are contiguous
/// across the kept records, so `seq -> index` is a subtraction.
#[derive(Clone)]
pub struct LogBuffer {
    records: VecDeque<LogRecord>,
    capacity: usize,
    next_seq: u64,
    evicted: u64,
    /// Last record per (task, container): where continuation lines go.
    open: HashMap<StreamKey, Open, BuildHasherDefault<FxHasher>>,
    /// Drop dead `open` entries once the map grows past this.
    prune_at: usize,
}

impl LogBuffer {
    pub const DEFAULT_CAPACITY: usize = 50_000;

    /// A capacity of 0 is treated as 1.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        LogBuffer {
            records: VecDeque::with_capacity(capacity.min(1 << 16)),
            capacity,
            next_seq: 0,
            evicted: 0,
            open: HashMap::default(),
            prune_at: PRUNE_MIN,
        }
    }

    /// Ingest one CloudWatch event. `message` may hold several lines (`'\n'` separated,
    /// trailing `'\r'` trimmed; blank lines are skipped). Whether a line continues the last
    /// record of the same (task, container), while that record is still kept, depends on
    /// what the line is ([`line_kind`]) and on what that record takes ([`Follow`]):
    /// stack-trace markers continue any record; indented lines continue Laravel, php-fpm and
    /// plain records; unclaimed text continues a record whose text is still open (a
    /// multi-line Laravel message or context, a console exception block); the padded lines
    /// of Symfony's error box continue a console exception. Anything else starts a record:
    /// every line a format claims, and an unclaimed one with nothing open to continue (no
    /// level then). Lines longer than [`MAX_LINE_BYTES`] are cut. Returns how many new
    /// records were created.
    pub fn push(
        &mut self,
        task: &Arc<str>,
        container: &Arc<str>,
        timestamp_ms: i64,
        message: &str,
    ) -> usize {
        // The common event is one line of printable ASCII: no `'\n'` to split at, no `'\r'`,
        // no colour code, nothing for `sanitize` to change. One vector pass says so and
        // spares the separate scans for each.
        if is_printable_ascii(message.as_bytes()) {
            return usize::from(self.push_line(task, container, timestamp_ms, message, true));
        }
        let mut created = 0;
        for raw in message.split('\n') {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            created += usize::from(self.push_line(task, container, timestamp_ms, raw, false));
        }
        created
    }

    /// One physical line of [`push`](Self::push) (no `'\n'`, trailing `'\r'` gone);
    /// `printable`: known to be printable ASCII. Whether it created a record.
    fn push_line(
        &mut self,
        task: &Arc<str>,
        container: &Arc<str>,
        timestamp_ms: i64,
        raw: &str,
        printable: bool,
    ) -> bool {
        if raw.bytes().all(|b| b.is_ascii_whitespace()) {
            self.blank(task, container, raw.len());
            return false;
        }
        let end = floor_boundary(raw, MAX_LINE_BYTES);
        let (line, cut) = (&raw[..end], raw.len() - end);
        // Colour codes (Artisan's FAIL in red) would hide a line's shape from the
        // parser: strip them first. Rare, so the check is one byte scan.
        let cleaned;
        let line = if !printable && line.as_bytes().contains(&0x1b) {
            cleaned = sanitize(line);
            cleaned.as_str()
        } else {
            line
        };
        let (kind, parsed) = line_kind(line);
        if kind != LineKind::Start && self.attach(task, container, line, cut, kind) {
            return false;
        }
        let parsed = match (kind, parsed) {
            (LineKind::Start | LineKind::Text, Some(parsed)) => parsed,
            // A box of its own: Symfony's red error box with nothing before it.
            (LineKind::BoxText, _) => Parsed {
                level: Level::Error,
                follow: Follow::Console,
                ..orphan(line.trim())
            },
            _ => orphan(line),
        };
        let boxed = (kind == LineKind::BoxText).then_some(line.len());
        self.push_record(task, container, timestamp_ms, parsed, cut, boxed);
        true
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// 0 is the oldest kept record.
    pub fn get(&self, i: usize) -> Option<&LogRecord> {
        self.records.get(i)
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogRecord> + ExactSizeIterator {
        self.records.iter()
    }

    /// Records dropped to stay within capacity (not reset by [`clear`](Self::clear)).
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Drops the records older than `seq` (a printer done with them), keeping the rest and
    /// their sequence numbers. Not counted as evicted.
    pub fn discard_before(&mut self, seq: u64) {
        while self.records.front().is_some_and(|r| r.seq < seq) {
            self.records.pop_front();
        }
    }

    /// Drops every record. Sequence numbers keep increasing afterwards.
    pub fn clear(&mut self) {
        self.records.clear();
        self.open.clear();
        self.prune_at = PRUNE_MIN;
    }

    /// Index of the record with this `seq`, if it is still kept. O(1).
    pub fn position_of(&self, seq: u64) -> Option<usize> {
        let i = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        (i < self.records.len()).then_some(i)
    }

    fn first_seq(&self) -> u64 {
        self.next_seq - self.records.len() as u64
    }

    /// Appends `line` to the open record of the stream if that record takes a line of this
    /// kind; false if not (or there is none: never opened, evicted).
    fn attach(
        &mut self,
        task: &str,
        container: &str,
        line: &str,
        cut: usize,
        kind: LineKind,
    ) -> bool {
        let first = self.first_seq();
        let key: &dyn StreamId = &(task, container);
        let Some(open) = self.open.get_mut(key) else {
            return false;
        };
        let Some(idx) = open
            .seq
            .checked_sub(first)
            .and_then(|i| usize::try_from(i).ok())
        else {
            return false;
        };
        let Some(record) = self.records.get_mut(idx) else {
            return false;
        };
        let takes = match kind {
            LineKind::Marker => true,
            // Not after a level-less indented line: those are siblings (an entrypoint's
            // `  [i] …` lines), not a record and its trace.
            LineKind::Indented => {
                matches!(
                    record.format,
                    Format::Laravel | Format::PhpFpm | Format::Plain
                ) && !(record.level == Level::Unknown && record.message.starts_with([' ', '\t']))
            }
            // Symfony pads every line of a box to one width: another width, another box.
            LineKind::BoxText => {
                open.follow == Follow::Console && open.box_width.is_none_or(|w| w == line.len())
            }
            LineKind::Text => open.follow != Follow::Markers,
            LineKind::Start => false,
        };
        if !takes {
            return false;
        }
        let text = line.trim();
        if open.pending && kind != LineKind::Marker && !text.starts_with("at ") {
            // The first line of what the header announced: the message of a console
            // exception (`Illuminate\Database\QueryException: could not find driver`) or of
            // a Laravel record whose message starts on the next line.
            let text = sanitize(text);
            record.message = if record.message.is_empty() {
                text
            } else {
                let title = record.message.trim().trim_matches(['[', ']']);
                let title = title.trim_end_matches(':');
                format!("{title}: {text}")
            };
            open.pending = false;
        }
        if record.format == Format::Laravel
            && record.context.is_none()
            && line.contains("\"exception\":\"[object] ")
        {
            // The context of a multi-line message starts on a later line.
            record.context = split_context(line).1.map(sanitize);
        }
        match kind {
            LineKind::BoxText => {
                open.box_width.get_or_insert(line.len());
            }
            LineKind::Marker if line.starts_with("\"}") => open.follow = Follow::Markers,
            _ => {}
        }
        open.cap.push(&mut record.stacktrace, line);
        record.cut_bytes += cut;
        true
    }

    /// A blank line the width of the open error box is its bottom padding: the box is over.
    fn blank(&mut self, task: &str, container: &str, width: usize) {
        let key: &dyn StreamId = &(task, container);
        if let Some(open) = self.open.get_mut(key) {
            if open.follow == Follow::Console && open.box_width == Some(width) {
                open.follow = Follow::Markers;
            }
        }
    }

    fn push_record(
        &mut self,
        task: &Arc<str>,
        container: &Arc<str>,
        timestamp_ms: i64,
        parsed: Parsed,
        cut: usize,
        box_width: Option<usize>,
    ) {
        if self.records.len() >= self.capacity {
            self.records.pop_front();
            self.evicted += 1;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let mut cap = StackCap::default();
        let mut stacktrace = Vec::new();
        for line in parsed.stacktrace {
            cap.push_sanitized(&mut stacktrace, line);
        }
        // A header whose message comes on the next line: a console exception's class or
        // title, a Laravel record with an empty first line.
        let pending = match parsed.follow {
            Follow::Console => {
                !parsed.message.contains(' ')
                    || parsed.message.ends_with(':')
                    || parsed.message.ends_with(']')
            }
            Follow::Text => parsed.message.is_empty(),
            Follow::Markers => false,
        };
        let next = Open {
            seq,
            cap,
            follow: parsed.follow,
            pending,
            box_width,
        };
        self.records.push_back(LogRecord {
            seq,
            timestamp_ms,
            task: Arc::clone(task),
            container: Arc::clone(container),
            level: parsed.level,
            format: parsed.format,
            channel: parsed.channel,
            message: parsed.message,
            context: parsed.context,
            stacktrace,
            cut_bytes: cut,
        });
        let key: &dyn StreamId = &(task.as_ref(), container.as_ref());
        if let Some(open) = self.open.get_mut(key) {
            *open = next;
            return;
        }
        self.open.insert(
            StreamKey {
                task: Arc::clone(task),
                container: Arc::clone(container),
            },
            next,
        );
        if self.open.len() > self.prune_at {
            let first = self.first_seq();
            self.open.retain(|_, open| open.seq >= first);
            self.prune_at = (self.open.len() * 2).max(PRUNE_MIN);
        }
    }
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::new(LogBuffer::DEFAULT_CAPACITY)
    }
}

impl std::fmt::Debug for LogBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogBuffer")
            .field("len", &self.records.len())
            .field("capacity", &self.capacity)
            .field("next_seq", &self.next_seq)
            .field("evicted", &self.evicted)
            .field("open_streams", &self.open.len())
            .finish()
    }
}

const PRUNE_MIN: usize = 1024;

#[derive(Clone)]
struct Open {
    seq: u64,
    cap: StackCap,
    /// Which lines the record still takes.
    follow: Follow,
    /// The record's message is still to come on the next content line.
    pending: bool,
    /// Width of the Symfony error box the record shows, once a box line was seen.
    box_width: Option<usize>,
}

/// A record for a line nothing claims: no level, the line as its message.
fn orphan(line: &str) -> Parsed {
    Parsed {
        level: Level::Unknown,
        format: Format::Plain,
        channel: None,
        message: sanitize(line),
        context: None,
        stacktrace: Vec::new(),
        follow: Follow::Markers,
    }
}

/// Bounds one record's continuation lines: [`MAX_STACK_LINES`] lines and [`MAX_STACK_BYTES`]
/// bytes, then a single `… N more lines` marker that counts the rest.
#[derive(Default, Clone, Copy)]
struct StackCap {
    bytes: usize,
    dropped: usize,
}

impl StackCap {
    fn push(&mut self, stack: &mut Vec<String>, raw: &str) {
        if self.fits(stack, raw.len()) {
            self.push_sanitized(stack, sanitize(raw));
        } else {
            self.drop_one(stack);
        }
    }

    fn push_sanitized(&mut self, stack: &mut Vec<String>, line: String) {
        if self.fits(stack, line.len()) {
            self.bytes += line.len();
            stack.push(line);
        } else {
            self.drop_one(stack);
        }
    }

    fn fits(&self, stack: &[String], len: usize) -> bool {
        self.dropped == 0 && stack.len() < MAX_STACK_LINES && self.bytes + len <= MAX_STACK_BYTES
    }

    fn drop_one(&mut self, stack: &mut Vec<String>) {
        self.dropped += 1;
        let marker = format!(
            "… {} more line{}",
            self.dropped,
            if self.dropped == 1 { "" } else { "s" }
        );
        match stack.last_mut() {
            Some(last) if self.dropped > 1 => *last = marker,
            _ => stack.push(marker),
        }
    }
}

// ---------------------------------------------------------------------------------------
// (task, container) keys looked up by `(&str, &str)` without cloning the Arcs.

trait StreamId {
    fn task(&self) -> &str;
    fn container(&self) -> &str;
}

#[derive(Clone)]
struct StreamKey {
    task: Arc<str>,
    container: Arc<str>,
}

impl StreamId for StreamKey {
    fn task(&self) -> &str {
        &self.task
    }
    fn container(&self) -> &str {
        &self.container
    }
}

impl StreamId for (&str, &str) {
    fn task(&self) -> &str {
        self.0
    }
    fn container(&self) -> &str {
        self.1
    }
}

impl<'a> Borrow<dyn StreamId + 'a> for StreamKey {
    fn borrow(&self) -> &(dyn StreamId + 'a) {
        self
    }
}

impl Hash for dyn StreamId + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.task().hash(state);
        self.container().hash(state);
    }
}

impl PartialEq for dyn StreamId + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.task() == other.task() && self.container() == other.container()
    }
}

impl Eq for dyn StreamId + '_ {}

impl Hash for StreamKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self as &dyn StreamId).hash(state);
    }
}

impl PartialEq for StreamKey {
    fn eq(&self, other: &Self) -> bool {
        (self as &dyn StreamId) == (other as &dyn StreamId)
    }
}

impl Eq for StreamKey {}

/// FxHash: task ids come from AWS, not an adversary, so a fast non-keyed hash is fine.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk); // chunks_exact: always 8 bytes
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ rest.len() as u64);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::parse_line;

    fn arc(s: &str) -> Arc<str> {
        Arc::from(s)
    }

    const HEAD: &str = r#"[2026-11-26 06:01:02] production.ERROR: SQLSTATE[HY000] [2002] Connection refused {"exception":"[object] (Illuminate\\Database\\QueryException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:760)"#;
    const TRACE: [&str; 6] = [
        "[stacktrace]",
        "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(720): Illuminate\\Database\\Connection->runQueryCallback('select * from u...', Array, Object(Closure))",
        "#1 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(422): Illuminate\\Database\\Connection->run('select * from u...', Array, Object(Closure))",
        "[previous exception] [object] (PDOException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:70)",
        "#2 {main}",
        "\"} ",
    ];

    fn assert_invariants(buf: &LogBuffer) {
        assert!(buf.len() <= buf.capacity());
        assert_eq!(buf.iter().len(), buf.len());
        let mut prev: Option<u64> = None;
        for (i, r) in buf.iter().enumerate() {
            if let Some(p) = prev {
                assert_eq!(r.seq, p + 1);
            }
            prev = Some(r.seq);
            assert_eq!(buf.position_of(r.seq), Some(i));
            assert!(r.stacktrace.len() <= MAX_STACK_LINES + 1);
            for field in [&r.message]
                .into_iter()
                .chain(r.context.as_ref())
                .chain(r.channel.as_ref())
                .chain(r.stacktrace.iter())
            {
                assert!(
                    !field.chars().any(|c| c == '\u{1b}' || c.is_control()),
                    "{field:?}"
                );
            }
        }
    }

    #[test]
    fn continuation_across_separate_events() {
        let (t, c) = (arc("task-a"), arc("app"));
        let mut buf = LogBuffer::new(100);
        assert_eq!(buf.push(&t, &c, 1, HEAD), 1);
        for line in TRACE {
            assert_eq!(buf.push(&t, &c, 2, line), 0, "{line}");
        }
        assert_eq!(
            buf.push(&t, &c, 3, "[2026-11-26 06:01:03] production.INFO: next one"),
            1
        );
        assert_eq!(buf.len(), 2);
        let r = buf.get(0).unwrap();
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.format, Format::Laravel);
        assert_eq!(r.message, "SQLSTATE[HY000] [2002] Connection refused");
        assert_eq!(r.stacktrace.len(), TRACE.len());
        assert_eq!(r.stacktrace[5], "\"} ");
        assert!(r.has_more());
        assert!(r.matches("connector.php"));
        assert_eq!(r.timestamp_ms, 1);
        assert!(!buf.get(1).unwrap().has_more());
        assert_invariants(&buf);
    }

    #[test]
    fn continuation_within_one_event() {
        let (t, c) = (arc("task-a"), arc("app"));
        let mut buf = LogBuffer::new(100);
        let event = format!(
            "{HEAD}\r\n{}\r\n\r\n[2026-11-26 06:01:03] production.INFO: after\n",
            TRACE.join("\n")
        );
        assert_eq!(buf.push(&t, &c, 1, &event), 2);
        assert_eq!(buf.get(0).unwrap().stacktrace.len(), TRACE.len());
        assert_eq!(buf.get(1).unwrap().message, "after");
        // More trace lines in a later event attach to the newest record of the stream.
        assert_eq!(buf.push(&t, &c, 2, "#0 late frame"), 0);
        assert_eq!(
            buf.get(1).unwrap().stacktrace,
            vec!["#0 late frame".to_string()]
        );
        assert_invariants(&buf);
    }

    #[test]
    fn continuation_without_open_record_is_plain() {
        let (t, c) = (arc("task-a"), arc("app"));
        let mut buf = LogBuffer::new(10);
        assert_eq!(
            buf.push(&t, &c, 1, "#0 /var/www/html/artisan(35): handle()"),
            1
        );
        let r = buf.get(0).unwrap();
        assert_eq!((r.format, r.level), (Format::Plain, Level::Unknown));
        assert_eq!(r.message, "#0 /var/www/html/artisan(35): handle()");
        // The rest of the orphaned trace joins it.
        assert_eq!(buf.push(&t, &c, 2, "#1 {main}"), 0);
        assert_eq!(buf.get(0).unwrap().stacktrace.len(), 1);
        // Another stream has no open record.
        assert_eq!(buf.push(&t, &arc("nginx"), 3, "[stacktrace]"), 1);
        assert_invariants(&buf);
    }

    #[test]
    fn indented_lines_attach_only_after_laravel_like_records() {
        let (t, c) = (arc("task-a"), arc("web"));
        let mut buf = LogBuffer::new(10);
        buf.push(
            &t,
            &c,
            1,
            "PHP Fatal error:  Uncaught Exception: boom in /var/www/html/index.php:3",
        );
        assert_eq!(buf.push(&t, &c, 2, "Stack trace:"), 0);
        assert_eq!(buf.push(&t, &c, 2, "#0 {main}"), 0);
        assert_eq!(
            buf.push(&t, &c, 2, "  thrown in /var/www/html/index.php on line 3"),
            0
        );
        assert_eq!(buf.get(0).unwrap().stacktrace.len(), 3);
        buf.push(
            &t,
            &c,
            3,
            r#"10.0.1.5 - - [26/Nov/2026:06:01:02 +0000] "GET / HTTP/1.1" 200 2 "-" "-""#,
        );
        assert_eq!(buf.push(&t, &c, 4, "  indented after nginx"), 1);
        // Indented Artisan output is never a continuation.
        buf.push(&t, &c, 5, "[2026-11-26 06:01:02] production.INFO: x");
        assert_eq!(
            buf.push(
                &t,
                &c,
                6,
                "  2026-11-26 06:01:02 App\\Jobs\\SendMail ........ 12.34ms FAIL"
            ),
            1
        );
        assert_eq!(buf.iter().last().unwrap().level, Level::Error);
        assert_invariants(&buf);
    }

    #[test]
    fn interleaved_streams_keep_their_own_traces() {
        let (a, b, c) = (arc("task-a"), arc("task-b"), arc("app"));
        let mut buf = LogBuffer::new(100);
        buf.push(&a, &c, 1, "[2026-11-26 06:01:02] production.ERROR: from A");
        buf.push(&b, &c, 1, "[2026-11-26 06:01:02] production.ERROR: from B");
        for i in 0..5 {
            buf.push(&a, &c, 2, &format!("#{i} /var/www/a.php({i}): a()"));
            buf.push(&b, &c, 2, &format!("#{i} /var/www/b.php({i}): b()"));
        }
        // Separately allocated Arcs with the same text are the same stream.
        buf.push(&arc("task-a"), &arc("app"), 3, "#5 {main}");
        assert_eq!(buf.len(), 2);
        let ra = buf.get(0).unwrap();
        let rb = buf.get(1).unwrap();
        assert_eq!(ra.message, "from A");
        assert_eq!(ra.stacktrace.len(), 6);
        assert!(ra.stacktrace[..5].iter().all(|l| l.contains("a.php")));
        assert_eq!(rb.stacktrace.len(), 5);
        assert!(rb.stacktrace.iter().all(|l| l.contains("b.php")));
        // Same task, other container: separate stream.
        assert_eq!(buf.push(&a, &arc("nginx"), 4, "#0 x"), 1);
        assert_invariants(&buf);
    }

    #[test]
    fn eviction_bounds_len_and_counts() {
        let (t, c) = (arc("t"), arc("c"));
        let mut buf = LogBuffer::new(100);
        for i in 0..1000 {
            buf.push(
                &t,
                &c,
                i,
                &format!("[2026-11-26 06:01:02] production.INFO: line {i}"),
            );
            assert!(buf.len() <= 100);
        }
        assert_eq!(buf.len(), 100);
        assert_eq!(buf.evicted(), 900);
        assert_eq!(buf.get(0).unwrap().seq, 900);
        assert_eq!(buf.get(0).unwrap().message, "line 900");
        assert_eq!(buf.iter().next_back().unwrap().seq, 999);
        assert_eq!(buf.position_of(899), None);
        assert_eq!(buf.position_of(900), Some(0));
        assert_eq!(buf.position_of(950), Some(50));
        assert_eq!(buf.position_of(999), Some(99));
        assert_eq!(buf.position_of(1000), None);
        assert_eq!(buf.position_of(u64::MAX), None);
        assert_invariants(&buf);

        // A trace whose head was evicted starts its own record.
        let mut small = LogBuffer::new(2);
        small.push(&t, &c, 1, "[2026-11-26 06:01:02] production.ERROR: head");
        small.push(&t, &arc("other"), 1, "a");
        small.push(&t, &arc("other"), 1, "b");
        assert_eq!(small.evicted(), 1);
        assert_eq!(small.push(&t, &c, 2, "#0 frame"), 1);
        assert_eq!(small.len(), 2);
        assert_invariants(&small);

        buf.clear();
        assert!(buf.is_empty());
        assert_eq!(buf.evicted(), 900);
        buf.push(&t, &c, 1, "after clear");
        assert_eq!(buf.get(0).unwrap().seq, 1000);
        assert_eq!(buf.position_of(1000), Some(0));
        // Trace lines after clear do not reach the cleared record.
        assert_eq!(LogBuffer::new(0).capacity(), 1);
        assert_eq!(LogBuffer::default().capacity(), LogBuffer::DEFAULT_CAPACITY);
    }

    #[test]
    fn clear_closes_open_records() {
        let (t, c) = (arc("t"), arc("c"));
        let mut buf = LogBuffer::new(10);
        buf.push(&t, &c, 1, "[2026-11-26 06:01:02] production.ERROR: head");
        buf.clear();
        assert_eq!(buf.push(&t, &c, 2, "#0 frame"), 1);
        assert_eq!(buf.get(0).unwrap().format, Format::Plain);
    }

    #[test]
    fn open_map_is_pruned() {
        let c = arc("c");
        let mut buf = LogBuffer::new(10);
        for i in 0..10_000 {
            buf.push(&arc(&format!("task-{i}")), &c, i, "x");
        }
        assert!(buf.open.len() <= 2 * PRUNE_MIN + 10, "{}", buf.open.len());
        assert_invariants(&buf);
    }

    #[test]
    fn runaway_trace_is_capped() {
        let (t, c) = (arc("t"), arc("c"));
        let mut buf = LogBuffer::new(10);
        buf.push(&t, &c, 1, "[2026-11-26 06:01:02] production.ERROR: head");
        for i in 0..2000 {
            assert_eq!(buf.push(&t, &c, 2, &format!("#{i} frame")), 0);
        }
        let r = buf.get(0).unwrap();
        assert_eq!(r.stacktrace.len(), MAX_STACK_LINES + 1);
        assert_eq!(
            r.stacktrace[MAX_STACK_LINES - 1],
            format!("#{} frame", MAX_STACK_LINES - 1)
        );
        assert_eq!(r.stacktrace[MAX_STACK_LINES], "… 1500 more lines");

        // Byte cap: big lines stop well before the line cap.
        let mut buf = LogBuffer::new(10);
        buf.push(&t, &c, 1, "[2026-11-26 06:01:02] production.ERROR: head");
        let big = format!("#0 {}", "x".repeat(200 * 1024));
        for _ in 0..10 {
            buf.push(&t, &c, 2, &big);
        }
        let r = buf.get(0).unwrap();
        let kept: usize = r.stacktrace.iter().map(String::len).sum();
        assert!(kept <= MAX_STACK_BYTES + 64);
        assert_eq!(r.stacktrace.last().unwrap(), "… 5 more lines");
        assert_eq!(r.stacktrace.len(), 6);

        let mut one = LogBuffer::new(10);
        one.push(&t, &c, 1, "head");
        for i in 0..=MAX_STACK_LINES {
            one.push(&t, &c, 2, &format!("#{i} f"));
        }
        assert_eq!(
            one.get(0).unwrap().stacktrace.last().unwrap(),
            "… 1 more line"
        );

        // JSON traces go through the same cap.
        let frames: Vec<String> = (0..700).map(|i| format!("#{i} f")).collect();
        let json = format!(
            r#"{{"message":"m","context":{{"exception":"E: x\n{}"}},"level":400}}"#,
            frames.join("\\n")
        );
        let mut jb = LogBuffer::new(10);
        jb.push(&t, &c, 1, &json);
        let r = jb.get(0).unwrap();
        assert_eq!(r.stacktrace.len(), MAX_STACK_LINES + 1);
        assert!(r.stacktrace.last().unwrap().starts_with("… "));
    }

    #[test]
    fn long_lines_are_cut() {
        let (t, c) = (arc("t"), arc("c"));
        let mut buf = LogBuffer::new(10);
        let line = format!(
            "[2026-11-26 06:01:02] production.INFO: {}",
            "a".repeat(300 * 1024)
        );
        assert_eq!(buf.push(&t, &c, 1, &line), 1);
        let r = buf.get(0).unwrap();
        assert_eq!(r.cut_bytes, line.len() - MAX_LINE_BYTES);
        assert!(r.message.len() < MAX_LINE_BYTES);
        assert_eq!(r.format, Format::Laravel);

        // Multi-byte chars straddling the cut: cut at a boundary, never panic.
        for pad in 0..4 {
            let s = format!("{}{}", "x".repeat(pad), "€😀é".repeat(120 * 1024));
            let mut b = LogBuffer::new(10);
            b.push(&t, &c, 1, &s);
            let r = b.get(0).unwrap();
            assert!(r.cut_bytes > 0);
            assert!(r.message.len() <= MAX_LINE_BYTES);
            assert_eq!(r.message.len() + r.cut_bytes, s.len());
        }

        // A cut continuation line adds to the record's cut_bytes.
        buf.push(&t, &c, 2, "[2026-11-26 06:01:02] production.ERROR: head");
        let frame = format!("#0 {}", "b".repeat(MAX_LINE_BYTES));
        assert_eq!(buf.push(&t, &c, 3, &frame), 0);
        assert_eq!(buf.get(1).unwrap().cut_bytes, 3);

        // Exactly at the limit: nothing cut. (On a stream of its own: after a Laravel
        // record whose message may go on, plain text would be its next line.)
        let exact = "y".repeat(MAX_LINE_BYTES);
        buf.push(&t, &arc("other"), 4, &exact);
        assert_eq!(buf.iter().last().unwrap().cut_bytes, 0);
    }

    #[test]
    fn escapes_are_stripped_from_all_fields() {
        let (t, c) = (arc("t"), arc("c"));
        let mut buf = LogBuffer::new(10);
        buf.push(
            &t,
            &c,
            1,
            "[2026-11-26 06:01:02] production.ERROR: \u{1b}[31mred\u{1b}[0m \u{1b}]0;x\u{7}title\u{202e}gnp.exe {\"exception\":\"\u{1b}[2J[object] (E(code: 0): x)\"} []",
        );
        buf.push(
            &t,
            &c,
            2,
            "#0 \u{1b}[31m/var/www\u{1b}]0;x\u{7}\u{202e}/a.php\u{9b}2J",
        );
        let r = buf.get(0).unwrap();
        assert_eq!(r.message, "red titlegnp.exe");
        assert_eq!(
            r.context.as_deref(),
            Some("{\"exception\":\"[object] (E(code: 0): x)\"}")
        );
        assert_eq!(r.stacktrace, vec!["#0 /var/www/a.php".to_string()]);
        assert_invariants(&buf);
    }

    #[test]
    fn odd_input_never_panics() {
        let (t, c) = (arc("t"), arc("c"));
        let mut buf = LogBuffer::new(5);
        for s in [
            "",
            "\n",
            "\r\n",
            "\n\n\n",
            "[",
            "{",
            "[2026-",
            "#",
            "\"}",
            "é\n#0 é",
            "\u{1b}",
            "\u{1b}[",
            "\r",
            "  \t ",
            "[stacktrace]\n[stacktrace]",
            "\u{0}\u{0}",
        ] {
            buf.push(&t, &c, 0, s);
            assert_invariants(&buf);
        }
        assert_eq!(buf.push(&t, &c, 0, ""), 0);
        assert_eq!(buf.push(&t, &c, 0, "\r\n  \n"), 0);
    }

    /// Deterministic xorshift "fuzzing" over an alphabet of delimiters, digits, multi-byte
    /// chars, escapes and newlines: no panic, invariants hold, no ESC or control survives.
    #[test]
    fn fuzz_friendly_no_panics() {
        const ALPHABET: &[&str] = &[
            "[",
            "]",
            "{",
            "}",
            "\"",
            "\\",
            "#",
            "0",
            "1",
            "2",
            "9",
            ".",
            ":",
            " ",
            "-",
            ",",
            "/",
            "é",
            "€",
            "😀",
            "\u{202e}",
            "\u{9b}",
            "\u{1b}",
            "\u{1b}[31m",
            "\u{1b}]0;",
            "\u{7}",
            "\n",
            "\r",
            "\t",
            "a",
            "E",
            "ERROR",
            "INFO",
            "production.",
            "[2026-11-26 06:01:02] ",
            "2026-11-26 06:01:02",
            "[stacktrace]",
            "\"}",
            "{\"exception\":\"[object] ",
            "PHP ",
            "\"message\":",
            "said into stderr: \"",
            " 500 ",
            "] \"",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let tasks = [arc("t1"), arc("t2"), arc("t3")];
        let containers = [arc("app"), arc("nginx")];
        let mut buf = LogBuffer::new(64);
        for i in 0..4000 {
            let len = (next() % 48) as usize;
            let mut s = String::new();
            for _ in 0..len {
                s.push_str(ALPHABET[(next() % ALPHABET.len() as u64) as usize]);
            }
            for line in s.split('\n') {
                let p = parse_line(line);
                for field in [&p.message]
                    .into_iter()
                    .chain(p.context.as_ref())
                    .chain(p.channel.as_ref())
                    .chain(p.stacktrace.iter())
                {
                    assert!(!field.contains('\u{1b}'), "{line:?} -> {field:?}");
                }
                let _ = crate::logs::is_continuation(line);
            }
            let t = &tasks[(next() % 3) as usize];
            let c = &containers[(next() % 2) as usize];
            buf.push(t, c, i, &s);
            assert!(buf.len() <= buf.capacity());
            if i % 97 == 0 {
                assert_invariants(&buf);
            }
        }
        assert_invariants(&buf);
        assert!(buf.evicted() > 0);
    }

    /// Feeds each line as its own event and returns (level, lines held, message).
    fn records(lines: &[&str]) -> Vec<(Level, usize, String)> {
        let (t, c) = (arc("t"), arc("app"));
        let mut buf = LogBuffer::new(100);
        for line in lines {
            buf.push(&t, &c, 0, line);
        }
        assert_invariants(&buf);
        buf.iter()
            .map(|r| (r.level, 1 + r.stacktrace.len(), r.message.clone()))
            .collect()
    }

    #[test]
    fn multi_line_laravel_message_keeps_its_lines_and_finds_its_context() {
        let (t, c) = (arc("t"), arc("app"));
        let mut buf = LogBuffer::new(10);
        for line in [
            "[2025-01-07 15:31:56] production.ERROR: Command \"migrate:dresh\" is not defined.",
            "",
            "Did you mean one of these?",
            "    migrate",
            "    migrate:status {\"exception\":\"[object] (Symfony\\\\Component\\\\Console\\\\Exception\\\\CommandNotFoundException(code: 0): Command \\\"migrate:dresh\\\" is not defined.",
            "Did you mean one of these?",
            "    migrate:status at /app/vendor/symfony/console/Application.php:726)",
            "[stacktrace]",
            "#0 {main}",
            "\"} ",
            "Horizon started successfully.",
            "after the closing line, plain text is a record of its own",
        ] {
            buf.push(&t, &c, 0, line);
        }
        let r = buf.get(0).unwrap();
        assert_eq!((r.level, r.stacktrace.len()), (Level::Error, 8));
        assert_eq!(r.message, "Command \"migrate:dresh\" is not defined.");
        assert!(r
            .context
            .as_deref()
            .unwrap()
            .starts_with("{\"exception\":\"[object] (Symfony"));
        assert_eq!(buf.len(), 3);
        assert_eq!(buf.get(1).unwrap().level, Level::Info);
        assert_eq!(buf.get(2).unwrap().level, Level::Unknown);
        assert_invariants(&buf);
    }

    #[test]
    fn text_joins_only_records_that_take_it() {
        // A complete context closes the record: the next line of text is its own.
        let got = records(&[
            "[2026-11-26 06:01:02] production.INFO: done {\"a\":1} []",
            "some output",
            "more output",
        ]);
        assert_eq!(got.len(), 3);
        assert!(got[1..]
            .iter()
            .all(|(l, n, _)| (*l, *n) == (Level::Unknown, 1)));
        // An empty message is the next line's.
        let got = records(&["[2023-07-21 05:26:01] local.ERROR: ", "Hi there   "]);
        assert_eq!(got, vec![(Level::Error, 2, "Hi there".to_string())]);
        // A response body in an exception's message: JSON without a level joins it; with
        // nothing open before it, it is a record of its own.
        let got = records(&[
            "[2019-02-07 10:00:00] local.ERROR: Client error: `POST https://x/oauth/token` resulted in a `401 Unauthorized` response:",
            "{\"error\":\"invalid_credentials\",\"message\":\"The user credentials were incorrect.\"}",
            "{\"message\":\"Order placed\",\"level_name\":\"INFO\"}",
            "{\"error\":\"alone\"}",
        ]);
        let summary: Vec<_> = got.iter().map(|(l, n, _)| (*l, *n)).collect();
        assert_eq!(
            summary,
            vec![(Level::Error, 2), (Level::Info, 1), (Level::Unknown, 1)]
        );
        // Indented lines with nothing before them are each their own.
        let got = records(&["  [i] Waiting for the DB.", "  [✓] Done waiting."]);
        assert_eq!(got.len(), 2);
        // An info line without context ends with its line.
        let got = records(&["[2023-10-17 10:26:43] local.INFO: cronjob run  ", "output"]);
        assert_eq!(got.len(), 2);
        // A record start never joins: Artisan, php-fpm access, a dated line.
        let got = records(&[
            "[2023-10-17 10:26:43] local.ERROR: cronjob failed  ",
            "  2014_10_12_000000_create_users_table ....... 12ms FAIL",
            "172.19.0.6 -  01/Apr/2020:04:25:29 +0000 \"GET /index.php\" 500",
            "2026-11-26T06:01:02Z something",
        ]);
        assert_eq!(got.len(), 4);
        assert_eq!((got[1].0, got[2].0), (Level::Error, Level::Error));
    }

    #[test]
    fn console_blocks_are_one_error_each() {
        // Collision after a queue worker line: its own error, message completed.
        let got = records(&[
            "[2021-10-16 01:31:34][83af32ec] Failed:     App\\Jobs\\X",
            "",
            "   Error ",
            "",
            "  Typed property App\\Jobs\\X::$a must not be accessed before initialization",
            "",
            "  at vendor/facade/ignition/src/JobRecorder/JobRecorder.php:92",
            "     92▕                 return [$property->name => $property->getValue($job)];",
            "      +55 vendor frames ",
            "  56  artisan:37",
            "[2021-10-16 01:34:29][aa52d6d4] Processing: App\\Jobs\\X",
        ]);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[1],
            (
                Level::Error,
                6,
                "Error: Typed property App\\Jobs\\X::$a must not be accessed before initialization"
                    .to_string()
            )
        );
        // Symfony's boxes: each title its own record; the padding closes a red box, so
        // the next run's box is a record of its own.
        let pad = " ".repeat(40);
        let text = "  The \"--id=\" argument does not exist.  ";
        let got = records(&[
            "  [Illuminate\\Database\\QueryException]  ",
            "  could not find driver (SQL: select 1)  ",
            "  [PDOException]  ",
            "  could not find driver",
            "In Connection.php line 664:",
            "  SQLSTATE[HY000] [2002] Connection refused  ",
            "migrate [--database DATABASE] [--force]",
            &pad,
            text,
            &pad,
            "",
            &pad,
            text,
        ]);
        assert_eq!(
            got.iter()
                .map(|(l, n, m)| (*l, *n, m.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (
                    Level::Error,
                    2,
                    "Illuminate\\Database\\QueryException: could not find driver (SQL: select 1)"
                ),
                (Level::Error, 2, "PDOException: could not find driver"),
                (
                    Level::Error,
                    3,
                    "In Connection.php line 664: SQLSTATE[HY000] [2002] Connection refused"
                ),
                (Level::Error, 1, "The \"--id=\" argument does not exist."),
                (Level::Error, 1, "The \"--id=\" argument does not exist."),
            ]
        );
    }

    #[test]
    fn php_traces_fold_into_their_error() {
        let got = records(&[
            "[10-Jan-2022 07:38:55 UTC] PHP Fatal error:  Composer detected issues",
            "[10-Jan-2022 07:38:55 UTC] PHP Stack trace:",
            "[10-Jan-2022 07:38:55 UTC] PHP   1. {main}() /app/artisan:0",
            "[10-Jan-2022 07:38:56 UTC] Xdebug: [Config] renamed",
            "Fatal error: Uncaught Error: x in /var/www/artisan:9",
            "Stack trace:",
            "#0 {main}",
            "  thrown in /var/www/artisan on line 9",
        ]);
        let summary: Vec<_> = got.iter().map(|(l, n, _)| (*l, *n)).collect();
        assert_eq!(
            summary,
            vec![
                (Level::Critical, 3),
                (Level::Unknown, 1),
                (Level::Critical, 4)
            ]
        );
    }

    #[test]
    fn fx_hasher_spreads() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..1000 {
            let mut h = FxHasher::default();
            (&format!("task-{i}") as &str).hash(&mut h);
            seen.insert(h.finish());
        }
        assert_eq!(seen.len(), 1000);
    }
}
