-- Each 11-K figure beside its Form 5500's: agree, explained (by the 11-K's reconciliation note, cited) or unexplained.
SELECT p.name AS plan, c.as_of AS year_end, c.subject, c.statements AS per_11k, c.form AS per_form_5500,
       c.form - c.statements AS difference, c.outcome,
       CASE WHEN c.note_document IS NOT NULL THEN c.note_document || ':' || c.note_line END AS note,
       c.form_source.document || ':' || c.form_source.line AS form_5500_row, c.form_source."column" AS form_5500_column,
       c.note_disagrees
FROM form5500_comparisons c
JOIN plans p USING (plan_id)
ORDER BY p.name, c.as_of, c.subject;
