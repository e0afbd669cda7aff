-- The run that applies a kept file: «Применить» hands the file to the background and shows this run at once; the
-- upload's page says the file is being applied until the run records its outcome.
ALTER TABLE import_upload ADD COLUMN apply_run_id bigint REFERENCES sync_run;
