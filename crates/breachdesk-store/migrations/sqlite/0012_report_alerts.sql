-- New-report alerts (issue 22): every new report mails the organisation's DPO and security
-- manager once. A row claims a report's alert (with several servers only the claim that succeeds
-- sends); the reports already there when this table came are counted as alerted.
CREATE TABLE report_alerts (
    report_id   TEXT PRIMARY KEY NOT NULL,
    case_id     TEXT NOT NULL,
    sent_at     TEXT NOT NULL
);
INSERT INTO report_alerts (report_id, case_id, sent_at)
    SELECT id, case_id, created_at FROM reports;
