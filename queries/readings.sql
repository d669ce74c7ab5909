-- How the importer read each statement column, unsure readings first: the columns whose findings may be the reader's, not the filing's.
SELECT p.name AS plan, r.document, r.statement, r.column_label, r.column_date, r.reading, r.unsure,
       r.totals, r.failing, r.alternatives, r.unplaced, r.line
FROM readings r
JOIN plans p USING (plan_id)
ORDER BY r.unsure DESC, p.name, r.column_date, r.document, r.statement;
