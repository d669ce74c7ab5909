-- Each fund's value at every year end, linked across years although its printed name drifts.
SELECT p.name AS plan, h.investment,
       first_value(h.name) OVER (PARTITION BY h.plan_id, h.investment ORDER BY h.year_end) AS fund,
       h.name AS printed_as, h.year_end, h.value, h.schedule_h_value, h.shares
FROM holdings h
JOIN plans p USING (plan_id)
ORDER BY p.name, h.investment, h.year_end;
