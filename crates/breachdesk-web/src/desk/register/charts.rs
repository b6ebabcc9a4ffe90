//! The register's statistics as charts drawn on the server (issue 21): plain SVG with a title
//! and a text alternative, no scripts and no inline styles, so the page's CSP stays strict. The
//! geometry is computed here; the template only places it.

use breachdesk_core::register::statistics::{Count, Statistics};

use crate::pages::view::Tr;

/// Width and height of a chart's drawing area, in SVG units.
const W: u32 = 480;
const H: u32 = 160;
/// Room below the bars for the labels.
const LABELS: u32 = 40;

/// One bar: where it stands and what it says.
#[derive(Debug)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Over the 72 hours (the hours chart).
    pub late: bool,
    /// Where its label goes.
    pub label_x: u32,
}

/// A bar chart with its text alternative.
#[derive(Debug)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    /// The same numbers in words, for screen readers and print.
    pub summary: String,
    pub bars: Vec<Bar>,
    /// A horizontal line (the 72 hours), at this height from the top.
    pub limit_y: Option<u32>,
    pub view_box: String,
    pub base_y: u32,
    pub width: u32,
}

fn chart(
    id: &'static str,
    title: String,
    values: &[(String, u64, bool)],
    limit: Option<u64>,
) -> Chart {
    let n = u32::try_from(values.len().max(1)).unwrap_or(u32::MAX);
    let slot = (W / n).max(1);
    let width = (slot * 7 / 10).max(1);
    let top = values
        .iter()
        .map(|(_, c, _)| *c)
        .chain(limit)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |v: u64| u32::try_from(v.saturating_mul(u64::from(H)) / top).unwrap_or(H);
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, (label, count, late))| {
            let i = u32::try_from(i).unwrap_or(0);
            let height = scale(*count);
            Bar {
                label: label.clone(),
                count: *count,
                x: i * slot + (slot - width) / 2,
                y: H - height,
                width,
                height,
                late: *late,
                label_x: i * slot + slot / 2,
            }
        })
        .collect();
    let summary = values
        .iter()
        .map(|(l, c, _)| format!("{l}: {c}"))
        .collect::<Vec<_>>()
        .join("; ");
    Chart {
        id,
        title,
        summary,
        bars,
        limit_y: limit.map(|l| H - scale(l)),
        view_box: format!("0 0 {W} {}", H + LABELS),
        base_y: H,
        width: W,
    }
}

fn counts(c: &[Count], label: impl Fn(&str) -> String) -> Vec<(String, u64, bool)> {
    c.iter()
        .map(|c| (label(&c.label), c.count, false))
        .collect()
}

/// The register page's charts: breaches per month, per nature, and the hours from awareness to
/// the notification of each notified breach against the 72 hours.
pub fn charts(tr: Tr<'_>, s: &Statistics) -> Vec<Chart> {
    let months = counts(&s.per_month, |m| m.get(2..).unwrap_or(m).to_owned());
    let natures = counts(&s.per_nature, |n| tr.t(&format!("register-nature-{n}")));
    let hours: Vec<(String, u64, bool)> = s
        .timeliness
        .hours
        .iter()
        .map(|(r, h)| (r.clone(), u64::try_from(*h).unwrap_or(0), *h > 72))
        .collect();
    let mut out = vec![
        chart("chart-months", tr.t("register-chart-months"), &months, None),
        chart(
            "chart-natures",
            tr.t("register-chart-natures"),
            &natures,
            None,
        ),
    ];
    if !hours.is_empty() {
        out.push(chart(
            "chart-hours",
            tr.t("register-chart-hours"),
            &hours,
            Some(72),
        ));
    }
    out
}
