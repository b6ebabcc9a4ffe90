-- One row that `/readyz` and `/healthz` rewrite to prove the writer can commit durably (issue 17).
CREATE TABLE writer_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
