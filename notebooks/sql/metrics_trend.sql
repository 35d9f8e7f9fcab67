-- The served blend's NDCG, recall and coverage at 10 for all users, night by night (newest first), per evaluation split.
SELECT run_date, split,
       round(max(CASE WHEN metric = 'ndcg' THEN value END), 4) AS ndcg_at_10,
       round(max(CASE WHEN metric = 'recall' THEN value END), 4) AS recall_at_10,
       round(max(CASE WHEN metric = 'coverage' THEN value END), 4) AS coverage_at_10
FROM metrics
WHERE variant = 'blend' AND slice = 'all' AND k = 10
GROUP BY run_date, split
ORDER BY run_date DESC, split
