-- Every finding of the audit over everything known: where figures truly disagree, and by how much.
SELECT p.name AS plan, f.as_of, f."check", f.subject, f.expected, f.actual, f.difference, f.unit, f.filings, f.detail
FROM findings f
JOIN plans p USING (plan_id)
ORDER BY p.name, f.as_of, f."check", f.subject;
