-- Contributions and benefits paid per plan-year, with the change from the year before.
SELECT p.name AS plan, n.year_end,
       n.contributions_participant, n.contributions_employer, n.contributions_rollover,
       n.contributions_participant + n.contributions_employer + n.contributions_rollover + n.contributions_other AS contributions,
       n.benefits_paid,
       contributions - lag(contributions) OVER w AS contributions_change,
       n.benefits_paid - lag(n.benefits_paid) OVER w AS benefits_paid_change
FROM net_assets n
JOIN plans p USING (plan_id)
WHERE n.net_change IS NOT NULL
WINDOW w AS (PARTITION BY n.plan_id ORDER BY n.year_end)
ORDER BY p.name, n.year_end;
