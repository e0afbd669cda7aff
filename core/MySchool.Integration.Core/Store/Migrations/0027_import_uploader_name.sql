-- Who uploaded a file, by name as their session gave it (the page showed their ESIA id); and the age by which kept
-- files, full of personal data, are deleted.
ALTER TABLE import_upload ADD COLUMN uploader_name text;
CREATE INDEX import_upload_age ON import_upload (uploaded_at);
