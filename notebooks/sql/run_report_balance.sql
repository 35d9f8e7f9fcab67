-- Every stage run with its counts; `balanced` must be true for ingest (rows in = accepted + quarantined).
SELECT run_date, stage, status, rows_in, rows_accepted, rows_quarantined,
       rows_in = rows_accepted + rows_quarantined AS balanced,
       round(duration_ms / 1000.0, 1) AS seconds
FROM run_report
ORDER BY run_date DESC, stage
