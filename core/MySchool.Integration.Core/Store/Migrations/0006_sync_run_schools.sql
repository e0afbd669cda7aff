-- A run fans out one job per school (on any gateway process): the run counts its schools to know when it is done.
ALTER TABLE sync_run ADD COLUMN schools_total integer NOT NULL DEFAULT 0;
ALTER TABLE sync_run ADD COLUMN schools_done integer NOT NULL DEFAULT 0;
