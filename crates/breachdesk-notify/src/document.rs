//! A notice as a plain document — title, headings, paragraphs, labelled values — and its three
//! renderings: a standalone HTML page (escaped, inline style, no external assets), Markdown, and
//! PDF (`crate::pdf`). Letters, the authority notification and the public notice are all built
//! as documents, so each output format is written once.

use std::fmt::Write as _;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// A label and its value (a field of the authority notification, a contact).
    Field {
        label: String,
        value: String,
    },
    /// A bulleted list.
    List(Vec<String>),
}

/// A document in one language (`fi`, `sv`, `en`), or a trilingual one with `lang` of the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub lang: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Document {
    #[must_use]
    pub fn new(lang: &str, title: impl Into<String>) -> Self {
        Self {
            lang: lang.to_owned(),
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading(text.into()));
        self
    }

    /// A paragraph; blank text adds nothing.
    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        let text = text.into();
        if !text.trim().is_empty() {
            self.blocks.push(Block::Paragraph(text));
        }
        self
    }

    /// A labelled value; a blank value adds nothing.
    pub fn field(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let value = value.into();
        if !value.trim().is_empty() {
            self.blocks.push(Block::Field {
                label: label.into(),
                value,
            });
        }
        self
    }

    pub fn list(&mut self, items: Vec<String>) -> &mut Self {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
        self
    }

    /// The body as HTML fragments (no `<html>`), for embedding in a page of the desk.
    #[must_use]
    pub fn html_body(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "<h1>{}</h1>", escape(&self.title));
        let mut in_fields = false;
        for b in &self.blocks {
            let field = matches!(b, Block::Field { .. });
            if field && !in_fields {
                out.push_str("<dl>\n");
            } else if !field && in_fields {
                out.push_str("</dl>\n");
            }
            in_fields = field;
            match b {
                Block::Heading(t) => {
                    let _ = writeln!(out, "<h2>{}</h2>", escape(t));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(out, "<p>{}</p>", lines_html(t));
                }
                Block::Field { label, value } => {
                    let _ = writeln!(
                        out,
                        "<dt>{}</dt><dd>{}</dd>",
                        escape(label),
                        lines_html(value)
                    );
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(out, "<li>{}</li>", escape(i));
                    }
                    out.push_str("</ul>\n");
                }
            }
        }
        if in_fields {
            out.push_str("</dl>\n");
        }
        out
    }

    /// A standalone HTML page: UTF-8, the language declared, inline style, nothing external.
    #[must_use]
    pub fn to_html(&self) -> String {
        html_page(&self.lang, &self.title, &self.html_body())
    }

    /// Markdown, with Markdown's own characters in the text escaped.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", md(&self.title));
        for b in &self.blocks {
            match b {
                Block::Heading(t) => {
                    let _ = write!(out, "## {}\n\n", md(t));
                }
                Block::Paragraph(t) => {
                    let _ = write!(out, "{}\n\n", md_lines(t));
                }
                Block::Field { label, value } => {
                    let _ = write!(out, "**{}**  \n{}\n\n", md(label), md_lines(value));
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {}", md(i));
                    }
                    out.push('\n');
                }
            }
        }
        out
    }

    /// One PDF of this document.
    #[must_use]
    pub fn to_pdf(&self) -> Vec<u8> {
        crate::pdf::render(std::slice::from_ref(self))
    }
}

/// A standalone HTML page around an already escaped body.
#[must_use]
pub fn html_page(lang: &str, title: &str, body: &str) -> String {
    page(lang, title, &format!("<style>{STYLESHEET}</style>"), body)
}

/// A page served by the web server: the same, its styles from `stylesheet` (an address on the
/// same origin), as a strict Content Security Policy (`style-src 'self'`) allows.
#[must_use]
pub fn html_page_linked(lang: &str, title: &str, stylesheet: &str, body: &str) -> String {
    page(
        lang,
        title,
        &format!("<link rel=\"stylesheet\" href=\"{}\">", escape(stylesheet)),
        body,
    )
}

fn page(lang: &str, title: &str, style: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n{style}\n</head>\n<body>\n<main>\n{body}</main>\n\
         </body>\n</html>\n",
        lang = escape(lang),
        title = escape(title),
    )
}

/// The styles of a document's HTML: inline in a saved file, served as a stylesheet for a
/// published page.
pub const STYLESHEET: &str = "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;color:#1a1a1a}\
main{max-width:46rem;margin:2rem auto;padding:0 1rem}h1{font-size:1.6rem;overflow-wrap:break-word;\
hyphens:auto}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}\
dt{font-weight:600;margin-top:.75rem}dd{margin:0 0 0 1rem}\
nav.languages ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}\
p.dates{color:#555;font-size:.9rem}article+article{margin-top:3rem;border-top:2px solid #1a1a1a}";

/// HTML text escaping.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn lines_html(s: &str) -> String {
    s.lines().map(escape).collect::<Vec<_>>().join("<br>\n")
}

fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn md_lines(s: &str) -> String {
    s.lines().map(md).collect::<Vec<_>>().join("  \n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let mut d = Document::new("fi", "Tietoturvaloukkaus <UNI-2026-0007>");
        d.heading("Mitä tapahtui")
            .paragraph("Rivi 1\nRivi 2 & <script>")
            .field("Nimi", "Tiina *Tietosuoja*")
            .field("Tyhjä", "  ")
            .list(vec!["yksi".into(), "kaksi".into()]);
        d
    }

    #[test]
    fn html_is_escaped_and_complete() {
        let html = doc().to_html();
        assert!(html.contains("<html lang=\"fi\">"));
        assert!(html.contains("&lt;UNI-2026-0007&gt;"));
        assert!(html.contains("Rivi 1<br>\nRivi 2 &amp; &lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("<dt>Nimi</dt>"));
        assert!(!html.contains("Tyhjä"), "blank fields are left out");
        assert!(!html.contains("http"), "nothing external");
    }

    #[test]
    fn markdown_escapes_its_own_characters() {
        let md = doc().to_markdown();
        assert!(md.starts_with("# Tietoturvaloukkaus \\<UNI-2026-0007\\>\n"));
        assert!(md.contains("**Nimi**  \nTiina \\*Tietosuoja\\*"));
        assert!(md.contains("- yksi\n- kaksi\n"));
    }
}
