-- The exploration frontier of the latest night with metrics: NDCG, coverage and recall at 10, all users, for the blend
-- (0 exploration slots) and each blend_explore_<E> variant (E slots per list). More slots should buy coverage for NDCG.
WITH frontier AS (
  SELECT * FROM metrics
  WHERE slice = 'all' AND k = 10 AND (variant = 'blend' OR variant RLIKE '^blend_explore_[0-9]+$')
),
latest AS (SELECT max(run_date) AS d FROM frontier)
SELECT f.run_date, f.split, f.variant,
       CASE WHEN f.variant = 'blend' THEN 0 ELSE CAST(regexp_extract(f.variant, '([0-9]+)$', 1) AS INT) END AS exploration_slots,
       round(max(CASE WHEN f.metric = 'ndcg' THEN f.value END), 4) AS ndcg_at_10,
       round(max(CASE WHEN f.metric = 'coverage' THEN f.value END), 4) AS coverage_at_10,
       round(max(CASE WHEN f.metric = 'recall' THEN f.value END), 4) AS recall_at_10
FROM frontier f JOIN latest ON f.run_date = latest.d
GROUP BY f.run_date, f.split, f.variant
ORDER BY f.split, exploration_slots
