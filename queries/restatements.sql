-- Figures a later filing printed differently for a date an earlier filing had already reported.
WITH figures AS (
    SELECT s.plan_id, s.column_date, s.item, s.document, s.line, s.amount, s.known_at,
           f.year_end = s.column_date AS own_year
    FROM statement_lines s
    JOIN filings f USING (filing_id, plan_id)
    WHERE s.section = 'net_assets'
)
SELECT p.name AS plan, later.column_date, later.item,
       earlier.document AS first_filing, earlier.line AS first_line, earlier.amount AS first_amount,
       later.document AS later_filing, later.line AS later_line, later.amount AS later_amount,
       later.amount - earlier.amount AS difference
FROM figures earlier
JOIN figures later ON later.plan_id = earlier.plan_id AND later.column_date = earlier.column_date
     AND later.item = earlier.item AND later.known_at > earlier.known_at
JOIN plans p ON p.plan_id = later.plan_id
WHERE earlier.own_year AND later.amount <> earlier.amount
ORDER BY p.name, later.column_date, later.item;
