//! The breach register (Art. 33(5), issue 21): every breach of an organisation with its facts,
//! effects and remedial action, for the DPO, the security manager and the auditor
//! (`Action::ReadRegister`), on the desk and through the API, and as a file for the authority.
//! Each export is audited; reading the register opens every case's sealed record, so the
//! register is built here, where the keys are.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::investigation::{Entry, open_entry, seal_entry};
use breachdesk_core::notice::NoticeKind;
use breachdesk_core::ports::{CaseFilter, ImportedCase, Keyring};
use breachdesk_core::register::{COLUMNS, RegisterEntry, RegisterFilter};
use breachdesk_core::report::Language;
use breachdesk_core::user::Principal;
use breachdesk_core::workflow::{Action, Standing, may};
use uuid::Uuid;

use crate::{App, AppError, Refusal};

/// A file format the register is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    Xlsx,
    /// Printable, for the authority: one section a breach, in the reader's language.
    Pdf,
}

impl ExportFormat {
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "xlsx" => Some(Self::Xlsx),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Xlsx => "xlsx",
            Self::Pdf => "pdf",
        }
    }

    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
        }
    }
}

/// An exported register: the file's name, type and bytes.
#[derive(Debug)]
pub struct RegisterFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl App {
    /// May this principal read the register of this organisation?
    #[must_use]
    pub fn may_read_register(principal: &Principal, org_id: Uuid) -> bool {
        principal
            .memberships
            .iter()
            .any(|m| m.org_id == org_id && may(Standing::Member(m.role), Action::ReadRegister))
    }

    /// The register of `org_id` as `principal` may read it, oldest breach first: every case of
    /// the organisation except duplicates merged into another, that `filter` admits. The read
    /// is audited (`register.read`, for the organisation, with the number of rows).
    ///
    /// # Errors
    /// `Forbidden` unless the principal may read the organisation's register; store and
    /// crypto failures.
    pub async fn register(
        &self,
        principal: &Principal,
        org_id: Uuid,
        filter: &RegisterFilter,
    ) -> Result<Vec<RegisterEntry>, AppError> {
        let register = self.entries(principal, org_id, filter).await?;
        self.0
            .store
            .append_audit(
                &[AuditEvent {
                    actor: Some(principal.user_id),
                    org_id: Some(org_id),
                    case_id: None,
                    action: "register.read",
                    detail: format!("rows={}", register.len()),
                }],
                self.now(),
            )
            .await?;
        Ok(register)
    }

    async fn entries(
        &self,
        principal: &Principal,
        org_id: Uuid,
        filter: &RegisterFilter,
    ) -> Result<Vec<RegisterEntry>, AppError> {
        if !Self::may_read_register(principal, org_id) {
            return Err(AppError::Forbidden);
        }
        let store = &self.0.store;
        let now = self.now();
        let mut cases = store
            .find_cases(
                &[org_id],
                &CaseFilter {
                    unlimited: true,
                    ..CaseFilter::default()
                },
            )
            .await?;
        cases.retain(|c| c.org_id == org_id && c.merged_into.is_none());
        cases.sort_by_key(|c| (c.created_at, c.reference.clone()));
        let mut register = Vec::with_capacity(cases.len());
        for case in &cases {
            // A destroyed case stays in the register as what its tombstone kept.
            if let Some(destroyed) = case.destroyed_at {
                let mut entry: RegisterEntry = case
                    .tombstone
                    .as_deref()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_else(|| RegisterEntry::of(case, &[], None, now));
                entry.destroyed_at = Some(destroyed);
                if filter.admits(&entry) {
                    register.push(entry);
                }
                continue;
            }
            let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
            let mut entries = Vec::new();
            for record in store.case_entries(case.id).await? {
                let entry = open_entry(&key, &record)?;
                entries.push((record, entry));
            }
            let published = entries.iter().find_map(|(r, e)| match e {
                Entry::NoticeApproved {
                    notice: NoticeKind::Public,
                    ..
                } => Some(r.created_at),
                _ => None,
            });
            let letters = store
                .audit_trail(Some(case.id))
                .await?
                .into_iter()
                .find(|a| a.action == "notice.subjects.queued" && !a.detail.ends_with(" queued=0"))
                .map(|a| a.at);
            let communicated = [published, letters].into_iter().flatten().min();
            let entry = RegisterEntry::of(case, &entries, communicated, now);
            if filter.admits(&entry) {
                register.push(entry);
            }
        }
        Ok(register)
    }

    /// The register as a file, audited (`register.export`, with the format and the number of
    /// rows; never their content).
    ///
    /// # Errors
    /// As [`App::register`].
    pub async fn export_register(
        &self,
        principal: &Principal,
        org_id: Uuid,
        filter: &RegisterFilter,
        format: ExportFormat,
        lang: Language,
    ) -> Result<RegisterFile, AppError> {
        let register = self.entries(principal, org_id, filter).await?;
        let org = self.organisation(org_id).await?.ok_or(AppError::NotFound)?;
        let bytes = match format {
            ExportFormat::Csv => to_csv(&register).map_err(|_| AppError::Render)?,
            ExportFormat::Json => {
                serde_json::to_vec_pretty(&register).map_err(|_| AppError::Render)?
            }
            ExportFormat::Xlsx => to_xlsx(&register).map_err(|_| AppError::Render)?,
            ExportFormat::Pdf => {
                let t = |id: &str| self.0.texts.message(lang, id, &[]);
                let title = format!("{} — {}", t("register-title"), org.name);
                let as_of = self.now().strftime("%Y-%m-%d").to_string();
                breachdesk_notify::pdf::render(&[to_document(&register, &title, &as_of, lang, &t)])
            }
        };
        self.0
            .store
            .append_audit(
                &[AuditEvent {
                    actor: Some(principal.user_id),
                    org_id: Some(org_id),
                    case_id: None,
                    action: "register.export",
                    detail: format!("format={} rows={}", format.id(), register.len()),
                }],
                self.now(),
            )
            .await?;
        let day = self.now().strftime("%Y-%m-%d");
        Ok(RegisterFile {
            file_name: format!("register-{}-{day}.{}", org.slug.as_str(), format.id()),
            content_type: format.content_type(),
            bytes,
        })
    }
}

/// The register as a printable document: a section a breach with the facts, effects and
/// remedial action of Art. 33(5), labelled in `lang` (`t` gives the texts).
fn to_document(
    register: &[RegisterEntry],
    title: &str,
    as_of: &str,
    lang: Language,
    t: &dyn Fn(&str) -> String,
) -> breachdesk_notify::document::Document {
    use breachdesk_core::assessment::term;
    let mut doc = breachdesk_notify::document::Document::new(lang.as_str(), title);
    doc.paragraph(format!(
        "{} {as_of}. {}",
        t("register-as-of"),
        t("register-intro")
    ));
    let time =
        |ts: Option<jiff::Timestamp>| ts.map(|x| x.strftime("%Y-%m-%d %H:%M UTC").to_string());
    let yes_no = |b: bool| t(if b { "register-yes" } else { "register-no" });
    for e in register {
        doc.heading(e.reference.clone());
        let mut field = |id: &str, value: Option<String>| {
            if let Some(v) = value {
                doc.field(t(&format!("register-field-{id}")), v);
            }
        };
        field("status", Some(t(&format!("status-{}", e.status))));
        field("occurred_at", time(e.occurred_at));
        field("aware_at", time(e.aware_at));
        field("notified_at", time(e.notified_at));
        field(
            "hours_to_notification",
            e.hours_to_notification.map(|h| {
                if e.late {
                    format!("{h} ({})", t("register-late"))
                } else {
                    h.to_string()
                }
            }),
        );
        field("delay_reasons", e.delay_reasons.clone());
        field(
            "nature",
            Some(
                e.nature
                    .iter()
                    .map(|n| t(&format!("register-nature-{n}")))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        );
        field(
            "categories",
            Some(
                e.categories
                    .iter()
                    .map(|c| term(lang, c))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        );
        field("subjects", e.subjects.map(|n| n.to_string()));
        field("records", e.records.map(|n| n.to_string()));
        field(
            "cause",
            e.cause.as_ref().map(|c| t(&format!("scope-cause-{c}"))),
        );
        field("systems", Some(e.systems.clone()));
        field("risk", e.risk.clone());
        field("measures_before", Some(e.measures_before.clone()));
        field("measures_after", Some(e.measures_after.clone()));
        field("notify_authority", e.notify_authority.map(yes_no));
        field("communicated_at", time(e.communicated_at));
        field("decision_reason", e.decision_reason.clone());
        field("held", e.held.then(|| yes_no(true)));
        field("destroyed_at", time(e.destroyed_at));
    }
    doc
}

/// The register as an Excel workbook: one sheet, the header of [`COLUMNS`] in bold and frozen,
/// one row per breach; numbers are numbers, everything else text (so nothing is a formula).
///
/// # Errors
/// When the workbook cannot be written.
pub fn to_xlsx(register: &[RegisterEntry]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("register")?;
    let bold = Format::new().set_bold();
    for (c, name) in COLUMNS.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, *name, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let numeric = ["hours_to_notification", "subjects", "records"];
    for (r, e) in register.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, (name, cell)) in COLUMNS.iter().zip(e.cells()).enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell.parse::<f64>() {
                Ok(n) if numeric.contains(name) => sheet.write_number(r, c, n)?,
                _ => sheet.write_string(r, c, cell)?,
            };
        }
    }
    book.save_to_buffer()
}

/// A cell a spreadsheet shows as text: one starting like a formula (`=`, `+`, `-`, `@`, a tab
/// or a carriage return — free text a handler, or a joint controller's handler, typed) is led
/// by an apostrophe, so that opening the export never runs it (OWASP "CSV injection").
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The register as CSV: a header of [`COLUMNS`], one row per breach (RFC 4180, UTF-8).
///
/// # Errors
/// Only if the CSV writer fails, which writing to memory does not.
pub fn to_csv(register: &[RegisterEntry]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for e in register {
        w.write_record(e.cells().iter().map(|c| inert(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Rows of a CSV (UTF-8, a byte-order mark allowed, `,` or `;` between cells) or an XLSX file
/// (its first sheet).
/// A cell as text; a cell Excel keeps as a date (a serial number of days) as the day
/// (`YYYY-MM-DD`), or the time (`YYYY-MM-DDTHH:MM:SSZ`, read as UTC like a plain day: Excel
/// keeps no time zone).
fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
            if (h, mi, sec) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{sec:02}Z")
            }
        }
        other => other.to_string(),
    }
}

fn rows_of(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
                .map_err(|_| "not a readable XLSX workbook".to_owned())?;
        let sheet = book
            .worksheet_range_at(0)
            .ok_or_else(|| "the workbook has no sheet".to_owned())?
            .map_err(|_| "the first sheet cannot be read".to_owned())?;
        return Ok(sheet
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "not UTF-8 text (save the CSV as UTF-8)".to_owned())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|_| format!("line {}: not CSV", i + 1))
        })
        .collect()
}

impl App {
    /// Brings an organisation's old breach register in (issue 21): a CSV or XLSX file in the
    /// export's layout becomes closed (or unfounded) historical cases, sealed like the rest,
    /// each with its retention date (the organisation's period after its last known date, and
    /// at least 30 days from now, so that a hold can still be set), in one transaction with one
    /// audit entry. `principal: None` is the operator at the console; otherwise the DPO.
    ///
    /// # Errors
    /// `Forbidden` for anyone but the organisation's DPO; `Refused(ImportRefused)` naming every
    /// bad line (nothing is imported); `Conflict(CaseReference)` when a reference exists.
    pub async fn import_register(
        &self,
        principal: Option<&Principal>,
        org_id: Uuid,
        bytes: &[u8],
    ) -> Result<usize, AppError> {
        if let Some(p) = principal {
            let may = p.memberships.iter().any(|m| {
                m.org_id == org_id && may(Standing::Member(m.role), Action::ImportRegister)
            });
            if !may {
                return Err(AppError::Forbidden);
            }
        }
        let org = self.organisation(org_id).await?.ok_or(AppError::NotFound)?;
        let now = self.now();
        let rows = rows_of(bytes).map_err(|e| Refusal::ImportRefused(vec![e]))?;
        let entries = breachdesk_core::register::import::read(&rows, now).map_err(|problems| {
            Refusal::ImportRefused(problems.iter().map(ToString::to_string).collect())
        })?;
        // A reference the register already holds (the same file imported twice, say) is named;
        // a reference is not personal data.
        let mut taken = Vec::new();
        for e in &entries {
            if self
                .0
                .store
                .case_by_reference(org_id, &e.reference)
                .await?
                .is_some()
            {
                taken.push(format!(
                    "reference {} is already in the register",
                    e.reference
                ));
            }
        }
        if !taken.is_empty() {
            return Err(Refusal::ImportRefused(taken).into());
        }
        let actor = principal.map(|p| p.user_id);
        let floor = now
            .checked_add(jiff::SignedDuration::from_hours(24 * 30))
            .unwrap_or(now);
        let cases: Vec<ImportedCase> = entries
            .into_iter()
            .map(|e| {
                let id = Uuid::now_v7();
                let (key, wrapped_key) = self.0.keyring.new_case_key(id)?;
                let status = e
                    .status
                    .parse::<breachdesk_core::case::CaseStatus>()
                    .unwrap_or(breachdesk_core::case::CaseStatus::Closed);
                let last = [
                    Some(e.reported_at),
                    e.aware_at,
                    e.notified_at,
                    e.communicated_at,
                ]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(e.reported_at);
                let retain_until = org.retention.until(status, last).map(|t| t.max(floor));
                Ok(ImportedCase {
                    id,
                    org_id,
                    reference: e.reference.clone(),
                    status,
                    created_at: e.reported_at,
                    awareness_at: e.aware_at,
                    notified_at: e.notified_at,
                    notification_required: e.notify_authority,
                    categories: e.categories.clone(),
                    retain_until,
                    wrapped_key,
                    entry: seal_entry(&key, &Entry::Imported(Box::new(e)), actor),
                })
            })
            .collect::<Result<_, AppError>>()?;
        let audit = AuditEvent {
            actor,
            org_id: Some(org_id),
            case_id: None,
            action: "register.import",
            detail: format!("rows={}", cases.len()),
        };
        self.0.store.import_cases(&cases, &audit, now).await?;
        tracing::info!(org_id = %org_id, rows = cases.len(), "old register imported");
        Ok(cases.len())
    }
}

#[cfg(test)]
mod tests {
    use super::{inert, rows_of};

    /// A register kept in Excel has real date cells (serial numbers formatted as dates): they
    /// come in as the day or the time, numbers and text as they are.
    #[test]
    fn excel_date_cells_come_in_as_days_and_times() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let day = Format::new().set_num_format("yyyy-mm-dd");
        let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        sheet.write_string(0, 0, "reported_at").unwrap();
        sheet
            .write_datetime_with_format(1, 0, ExcelDateTime::from_ymd(2024, 3, 15).unwrap(), &day)
            .unwrap();
        sheet
            .write_datetime_with_format(
                1,
                1,
                ExcelDateTime::from_ymd(2024, 3, 15)
                    .unwrap()
                    .and_hms(9, 30, 0)
                    .unwrap(),
                &time,
            )
            .unwrap();
        sheet.write_number(1, 2, 120).unwrap();
        sheet.write_string(1, 3, "2024-03-16").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = rows_of(&bytes).unwrap();
        assert_eq!(
            rows[1],
            vec!["2024-03-15", "2024-03-15T09:30:00Z", "120", "2024-03-16"]
        );
    }

    #[test]
    fn formula_cells_are_led_by_an_apostrophe_and_others_left_alone() {
        for f in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(inert(f), format!("'{f}"));
        }
        for t in ["Sisu", "", "2026-03-02T09:00:00Z", "a=b"] {
            assert_eq!(inert(t), t);
        }
    }
}
