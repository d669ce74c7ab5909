-- Every finding of the audit over everything known: where figures truly disagree, and by how much (firm ones first).
SELECT p.name AS plan, f.as_of, f."check", f.subject, f.expected, f.actual, f.difference, f.unit, f.filings, f.detail,
       f.reading, f.reading_reason
FROM findings f
JOIN plans p USING (plan_id)
ORDER BY f.reading, p.name, f.as_of, f."check", f.subject;
