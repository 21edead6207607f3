//! A whole screen drawn into ratatui's `TestBackend`, read back as text, for the
//! snapshot suites. Include with `#[path = "support/screen.rs"] mod screen;`.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::text::Span;
use ratatui::Terminal;
use toadtop::app::State;

/// Draws the whole screen and returns it as text, one line per row, trailing spaces cut.
pub fn render(state: &State, width: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    term.draw(|f| {
        toadtop::ui::draw(state, f);
    })
    .expect("draw");
    text_of(term.backend().buffer())
}

/// A drawn buffer as text, one line per row, trailing spaces cut.
pub fn text_of(buf: &Buffer) -> String {
    let (width, height) = (buf.area.width, buf.area.height);
    let mut out = Vec::with_capacity(usize::from(height));
    for y in 0..height {
        let mut line = String::new();
        // A wide symbol covers the cells after it; skip those as a terminal would.
        let mut skip = 0usize;
        for x in 0..width {
            let symbol = buf[(x, y)].symbol();
            if skip == 0 {
                line.push_str(symbol);
            }
            skip = skip.max(Span::raw(symbol).width()).saturating_sub(1);
        }
        out.push(line.trim_end().to_string());
    }
    out.join("\n")
}
