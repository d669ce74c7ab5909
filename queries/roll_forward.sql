-- The roll-forward per plan and year end: opening net assets plus the year's flows, against what was reported.
SELECT p.name AS plan, n.year_end, n.opening,
       n.contributions_participant + n.contributions_employer + n.contributions_rollover + n.contributions_other AS contributions,
       n.interest_and_dividends, n.net_appreciation, n.other_additions, n.benefits_paid, n.other_deductions,
       n.replayed, n.reported_last AS reported, n.difference
FROM net_assets n
JOIN plans p USING (plan_id)
WHERE n.replayed IS NOT NULL
ORDER BY p.name, n.year_end;
