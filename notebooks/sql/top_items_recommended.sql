-- The items recommended most often on the latest night, with how many users got each and its mean rank.
WITH latest AS (SELECT max(run_date) AS d FROM recommendations)
SELECT r.item_id, i.title, i.category, count(*) AS users, round(avg(r.rank), 1) AS mean_rank
FROM recommendations r JOIN latest ON r.run_date = latest.d
LEFT JOIN items i ON i.item_id = r.item_id
GROUP BY r.item_id, i.title, i.category
ORDER BY users DESC, r.item_id
LIMIT 20
