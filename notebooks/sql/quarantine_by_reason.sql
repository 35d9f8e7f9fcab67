-- Rows quarantined per night, source table and reason: what the data looks like before Nightjar trusts it.
SELECT ingest_date, source_table, reason, count(*) AS rows
FROM quarantine
GROUP BY ingest_date, source_table, reason
ORDER BY ingest_date DESC, rows DESC, reason
