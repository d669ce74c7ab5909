-- Each plan's Form 5500 figures by plan year, from the filing latest known of each (an amendment replaces the original).
SELECT p.name AS plan, p.ein, p.plan_number, f.as_of AS plan_year_end, f.schedule, f.ack_id, f.amended, f.known_at,
       f.net_assets_boy, f.net_assets_eoy, f.total_assets_eoy, f.total_liabilities_eoy,
       f.employer_contributions, f.participant_contributions, f.other_contributions, f.total_income,
       f.benefits_paid, f.deemed_distributions, f.total_expenses, f.net_income, f.participant_loans_eoy,
       f.late_contributions_answer, f.late_contributions, f.document, f.line
FROM form5500_latest f
JOIN plans p USING (plan_id)
ORDER BY p.name, p.ein, f.as_of;
