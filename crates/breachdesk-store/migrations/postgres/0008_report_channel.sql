-- How a report came in (issue 22): the public form, the API, e-mail, or a handler who took it by
-- phone or in person on the desk (and who that was). Reports from before say `form`.
ALTER TABLE reports ADD COLUMN channel TEXT NOT NULL DEFAULT 'form'
    CHECK (channel IN ('form', 'api', 'email', 'phone', 'in_person'));
ALTER TABLE reports ADD COLUMN taken_by TEXT REFERENCES users (id);
