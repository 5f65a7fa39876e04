// Bulk handoffs for the scale test and benchmark, written straight into the local D1 in one
// statement (a recursive CTE), so 100,000 rows take seconds instead of 100,000 captures.
// The triggers run for every row, exactly as they do for captures.

export const DAY_MS = 86_400_000;
export const STATUSES = ['new', 'redirected', 'completed_external', 'abandoned'];
export const INDUSTRIES = ['spa', 'physio', 'salon', 'yoga'];

/**
 * Inserts `n` handoffs for `clientId`, newest at `newest` (ms), evenly spread back over
 * `spanDays`. Per 20 rows: 8 redirected, 4 completed (after a redirect), 2 new, 6 abandoned
 * (half of them after a redirect). Ids are `prefix` (5 base64url chars) + 16 digits + `A`, so
 * they are valid handoff ids and distinct per prefix.
 */
export async function seedHandoffs(db, { clientId, n, prefix, newest, spanDays = 365 }) {
  if (!/^[A-Za-z0-9_-]{5}$/.test(prefix)) throw new Error('prefix: 5 base64url characters');
  const step = Math.max(1, Math.floor((spanDays * DAY_MS) / n));
  await db
    .prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
       INSERT INTO booking_handoffs
         (id, client_id, created_at, source_page, industry, customer_name, customer_email,
          requested_service, status, redirected_at, redirect_count, completed_at, completed_by,
          abandoned_at, abandoned_by, external_booking_url_used)
       SELECT ?2 || printf('%016d', i) || 'A', ?3, ?4 - i * ?5,
         'https://site.example/page-' || (i % 50),
         CASE i % 4 WHEN 0 THEN 'spa' WHEN 1 THEN 'physio' WHEN 2 THEN 'salon' ELSE 'yoga' END,
         'Visitor ' || i, 'visitor' || i || '@example.com', 'Massage',
         CASE WHEN i % 20 < 8 THEN 'redirected' WHEN i % 20 < 12 THEN 'completed_external'
              WHEN i % 20 < 14 THEN 'new' ELSE 'abandoned' END,
         CASE WHEN i % 20 < 12 OR i % 20 >= 17 THEN ?4 - i * ?5 + 60000 END,
         CASE WHEN i % 20 < 12 OR i % 20 >= 17 THEN 1 ELSE 0 END,
         CASE WHEN i % 20 BETWEEN 8 AND 11 THEN ?4 - i * ?5 + 3600000 END,
         CASE WHEN i % 20 BETWEEN 8 AND 11 THEN 'manual' END,
         CASE WHEN i % 20 >= 14 THEN ?4 - i * ?5 + 86400000 END,
         CASE WHEN i % 20 >= 14 THEN 'scheduled' END,
         CASE WHEN i % 20 < 12 OR i % 20 >= 17 THEN 'https://calendly.com/x/y' END
       FROM seq`,
    )
    .bind(n, prefix, clientId, newest, step)
    .run();
  return { step };
}

/** The per-status counts as the rows say (the truth the running totals must equal). */
export async function countsFromRows(db, clientId) {
  const { results } = await db
    .prepare(
      `SELECT status, COUNT(*) AS n, SUM(redirected_at IS NOT NULL) AS ever_redirected
       FROM booking_handoffs WHERE client_id = ?1 GROUP BY status ORDER BY status`,
    )
    .bind(clientId)
    .all();
  return results;
}

/** The running totals the triggers keep, in the same shape (zero rows left out). */
export async function countsFromTotals(db, clientId) {
  const { results } = await db
    .prepare(
      `SELECT status, n, ever_redirected FROM client_status_counts
       WHERE client_id = ?1 AND n > 0 ORDER BY status`,
    )
    .bind(clientId)
    .all();
  return results;
}
