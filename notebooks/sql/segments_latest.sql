-- Interest segments of the latest night: size and most common interest labels. Only segments of at least
-- nightjar.privacy.kAnonymity users are in segment_summary (docs/privacy.md); smaller ones are suppressed.
WITH latest AS (SELECT max(run_date) AS d FROM segment_summary)
SELECT s.segment, s.users, concat_ws(', ', s.top_categories) AS top_categories
FROM segment_summary s JOIN latest ON s.run_date = latest.d
ORDER BY s.users DESC, s.segment
