-- Performance: the dashboard's per-status counts and industry choices without
-- reading every handoff of the client. Both are kept by triggers, so every write that changes
-- a handoff's status, redirect or industry updates them in the same statement's transaction:
-- no code path (capture, redirect, webhook, manual action, scheduled sweep, a future one)
-- can forget to, and a failed write changes neither.

-- Handoffs per client and status, and how many of them were ever redirected (the funnel).
CREATE TABLE client_status_counts (
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  ever_redirected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, status)
);

-- The industries a client's handoffs carry (the pipeline filter's choices).
CREATE TABLE client_industries (
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  industry TEXT NOT NULL,
  PRIMARY KEY (client_id, industry)
);

INSERT INTO client_status_counts (client_id, status, n, ever_redirected)
  SELECT client_id, status, COUNT(*), SUM(redirected_at IS NOT NULL)
  FROM booking_handoffs GROUP BY client_id, status;

INSERT OR IGNORE INTO client_industries (client_id, industry)
  SELECT DISTINCT client_id, industry FROM booking_handoffs WHERE industry IS NOT NULL;

CREATE TRIGGER handoffs_count_insert AFTER INSERT ON booking_handoffs
BEGIN
  INSERT INTO client_status_counts (client_id, status, n, ever_redirected)
    VALUES (NEW.client_id, NEW.status, 1, NEW.redirected_at IS NOT NULL)
    ON CONFLICT (client_id, status) DO UPDATE
    SET n = n + 1, ever_redirected = ever_redirected + excluded.ever_redirected;
  INSERT OR IGNORE INTO client_industries (client_id, industry)
    SELECT NEW.client_id, NEW.industry WHERE NEW.industry IS NOT NULL;
END;

CREATE TRIGGER handoffs_count_update AFTER UPDATE OF client_id, status, redirected_at ON booking_handoffs
WHEN OLD.client_id IS NOT NEW.client_id OR OLD.status IS NOT NEW.status
  OR (OLD.redirected_at IS NULL) IS NOT (NEW.redirected_at IS NULL)
BEGIN
  UPDATE client_status_counts
    SET n = n - 1, ever_redirected = ever_redirected - (OLD.redirected_at IS NOT NULL)
    WHERE client_id = OLD.client_id AND status = OLD.status;
  INSERT INTO client_status_counts (client_id, status, n, ever_redirected)
    VALUES (NEW.client_id, NEW.status, 1, NEW.redirected_at IS NOT NULL)
    ON CONFLICT (client_id, status) DO UPDATE
    SET n = n + 1, ever_redirected = ever_redirected + excluded.ever_redirected;
END;

CREATE TRIGGER handoffs_count_delete AFTER DELETE ON booking_handoffs
BEGIN
  UPDATE client_status_counts
    SET n = n - 1, ever_redirected = ever_redirected - (OLD.redirected_at IS NOT NULL)
    WHERE client_id = OLD.client_id AND status = OLD.status;
END;

CREATE TRIGGER handoffs_industry_update AFTER UPDATE OF industry ON booking_handoffs
WHEN NEW.industry IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO client_industries (client_id, industry) VALUES (NEW.client_id, NEW.industry);
END;
