-- The audit's checks that are plain arithmetic, as table macros over the figures known on k.
-- Each returns: check, plan_id, as_of, subject, expected, actual, sources, detail; a row only
-- where no accepted reading of the figures makes them agree. `projections/audit.py` adds the
-- checks that need judgement (approximate figures, interest conventions).

-- 1. A statement foots: its lines sum to the subtotals and totals printed under them.
CREATE OR REPLACE MACRO audit_footing_known(k) AS TABLE
    WITH cols AS (
        SELECT plan_id, filing_id, as_of,
               sum(amount) FILTER (type = 'HoldingReported') AS holdings,
               sum(amount) FILTER (type = 'HoldingReported' AND NOT coalesce(label, '') || ' ' || coalesce(investment, '') ILIKE '%loan%') AS holdings_without_loans,
               sum(amount) FILTER (type = 'CashReported') AS cash,
               sum(amount) FILTER (type = 'ReceivableReported') AS receivables,
               sum(amount) FILTER (type = 'LiabilityReported') AS liabilities,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_investments') AS printed_investments,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_receivables') AS printed_receivables,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_assets') AS printed_assets,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_liabilities') AS printed_liabilities,
               any_value(amount) FILTER (type = 'NetAssetsReported') AS printed_net_assets,
               list(source ORDER BY line) FILTER (type = 'HoldingReported') AS holding_lines,
               list(source ORDER BY line) FILTER (type = 'CashReported') AS cash_lines,
               list(source ORDER BY line) FILTER (type = 'ReceivableReported') AS receivable_lines,
               list(source ORDER BY line) FILTER (type = 'LiabilityReported') AS liability_lines,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_investments') AS investments_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_receivables') AS receivables_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_assets') AS assets_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_liabilities') AS liabilities_line,
               list(source ORDER BY line) FILTER (type = 'NetAssetsReported') AS net_assets_line
        FROM figures_known(k)
        WHERE section = 'net_assets'
        GROUP BY plan_id, filing_id, as_of
    ), assets AS (
        SELECT *,
               CASE WHEN coalesce(printed_investments, holdings, cash, printed_receivables, receivables) IS NOT NULL
                    THEN coalesce(printed_investments, holdings, 0) + coalesce(cash, 0) + coalesce(printed_receivables, receivables, 0)
               END AS assets_from_subtotals,
               coalesce(holdings, 0) + coalesce(cash, 0) + coalesce(receivables, 0) AS assets_from_lines
        FROM cols
    ), checks AS (
        SELECT plan_id, as_of, 'total_investments' AS subject, holdings AS expected, printed_investments AS actual,
               [holdings_without_loans] AS also_accepted,
               list_concat(investments_line, holding_lines) AS sources,
               'the investment lines do not sum to the total investments printed under them' AS detail
        FROM assets
        UNION ALL
        SELECT plan_id, as_of, 'total_receivables', receivables, printed_receivables, [],
               list_concat(receivables_line, receivable_lines),
               'the receivables do not sum to the total receivables printed under them'
        FROM assets
        UNION ALL
        SELECT plan_id, as_of, 'total_assets', assets_from_subtotals, printed_assets, [assets_from_lines],
               list_concat(assets_line, coalesce(investments_line, holding_lines), cash_lines, coalesce(receivables_line, receivable_lines)),
               'investments, cash and receivables do not sum to the total assets printed under them'
        FROM assets
        UNION ALL
        SELECT plan_id, as_of, 'total_liabilities', liabilities, printed_liabilities, [],
               list_concat(liabilities_line, liability_lines),
               'the liabilities do not sum to the total liabilities printed under them'
        FROM assets
        UNION ALL
        SELECT plan_id, as_of, 'net_assets',
               coalesce(printed_assets, assets_from_subtotals) - coalesce(printed_liabilities, liabilities, 0),
               printed_net_assets, [assets_from_lines - coalesce(liabilities, 0)],
               list_concat(net_assets_line, coalesce(assets_line, list_concat(coalesce(investments_line, holding_lines), cash_lines, coalesce(receivables_line, receivable_lines))), coalesce(liabilities_line, liability_lines)),
               'total assets less total liabilities do not equal the net assets printed'
        FROM assets
    ), changes AS (
        SELECT c.plan_id, c.filing_id, c.as_of,
               sum(amount) FILTER (type = 'ContributionReceived') AS contributions,
               sum(amount) FILTER (type IN ('InterestAndDividends', 'NetAppreciation')) AS investment_income,
               sum(amount) FILTER (type = 'OtherAddition') AS other_additions,
               sum(amount) FILTER (type = 'TransferIn') AS transfers_in,
               sum(amount) FILTER (type IN ('BenefitPaid', 'AdministrativeExpense', 'OtherDeduction')) AS deductions,
               sum(amount) FILTER (type = 'TransferOut') AS transfers_out,
               sum(effect) AS net_change,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_contributions') AS printed_contributions,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_investment_income') AS printed_income,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_additions') AS printed_additions,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'total_deductions') AS printed_deductions,
               any_value(amount) FILTER (type = 'TotalReported' AND kind = 'net_change') AS printed_net_change,
               list(source ORDER BY line) FILTER (effect IS NOT NULL) AS flow_lines,
               list(source ORDER BY line) FILTER (type = 'ContributionReceived') AS contribution_lines,
               list(source ORDER BY line) FILTER (type IN ('InterestAndDividends', 'NetAppreciation')) AS income_lines,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_contributions') AS contributions_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_investment_income') AS income_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_additions') AS additions_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'total_deductions') AS deductions_line,
               list(source ORDER BY line) FILTER (type = 'TotalReported' AND kind = 'net_change') AS net_change_line
        FROM figures_known(k) c
        WHERE section = 'changes' AND (effect IS NOT NULL OR type = 'TotalReported')
        GROUP BY c.plan_id, c.filing_id, c.as_of
    ), ends AS (
        SELECT e.plan_id, e.filing_id, e.as_of, e.amount AS printed_end, e.source AS end_line,
               arg_max(b.amount, b.as_of) AS printed_beginning, arg_max(b.source, b.as_of) AS beginning_line
        FROM figures_known(k) e
        JOIN figures_known(k) b ON b.filing_id = e.filing_id AND b.plan_id = e.plan_id AND b.as_of < e.as_of
             AND b.type = 'NetAssetsReported' AND b.section = 'changes'
        WHERE e.type = 'NetAssetsReported' AND e.section = 'changes'
        GROUP BY ALL
    ), change_checks AS (
        SELECT plan_id, as_of, 'total_contributions' AS subject, contributions AS expected, printed_contributions AS actual,
               [] AS also_accepted, list_concat(contributions_line, contribution_lines) AS sources,
               'the contributions do not sum to the total contributions printed' AS detail
        FROM changes
        UNION ALL
        SELECT plan_id, as_of, 'total_investment_income', investment_income, printed_income, [-investment_income],
               list_concat(income_line, income_lines),
               'interest, dividends and appreciation do not sum to the investment income printed'
        FROM changes
        UNION ALL
        SELECT plan_id, as_of, 'total_additions',
               coalesce(printed_contributions, contributions, 0) + coalesce(printed_income, investment_income, 0) + coalesce(other_additions, 0),
               printed_additions,
               [coalesce(printed_contributions, contributions, 0) + coalesce(printed_income, investment_income, 0) + coalesce(other_additions, 0) + coalesce(transfers_in, 0),
                coalesce(contributions, 0) + coalesce(investment_income, 0) + coalesce(other_additions, 0)],
               list_concat(additions_line, flow_lines),
               'the additions do not sum to the total additions printed'
        FROM changes
        UNION ALL
        SELECT plan_id, as_of, 'total_deductions', deductions, abs(printed_deductions),
               [deductions + coalesce(transfers_out, 0)],
               list_concat(deductions_line, flow_lines),
               'the deductions do not sum to the total deductions printed'
        FROM changes
        UNION ALL
        SELECT plan_id, as_of, 'net_change', net_change, printed_net_change,
               [coalesce(printed_additions, 0) - abs(coalesce(printed_deductions, 0)) + coalesce(transfers_in, 0) - coalesce(transfers_out, 0),
                coalesce(printed_additions, 0) - abs(coalesce(printed_deductions, 0))],
               list_concat(net_change_line, flow_lines),
               'additions less deductions do not equal the net change printed'
        FROM changes
        UNION ALL
        SELECT ends.plan_id, ends.as_of, 'end_of_year_net_assets',
               printed_beginning + coalesce(printed_net_change, net_change), printed_end, [printed_beginning + net_change],
               list_concat([end_line, beginning_line], net_change_line),
               'beginning net assets plus the net change do not equal the end of year net assets printed'
        FROM ends JOIN changes USING (plan_id, filing_id, as_of)
    )
    SELECT 'footing' AS "check", plan_id, as_of, subject, expected, actual, sources, detail
    FROM (SELECT * FROM checks UNION ALL SELECT * FROM change_checks)
    WHERE expected IS NOT NULL AND actual IS NOT NULL AND actual <> expected
      AND NOT list_contains(also_accepted, actual);

-- 3. Continuity: every figure stated for a date agrees with the one the filing for that year
--    printed in its statement of net assets (and, within a filing, the two statements agree).
CREATE OR REPLACE MACRO audit_continuity_known(k) AS TABLE
    WITH f AS (
        SELECT *, row_number() OVER (
                   PARTITION BY plan_id, as_of, item
                   ORDER BY filing_year_end = as_of DESC, section = 'net_assets' DESC, known_at, line) AS rank
        FROM figures_known(k)
        WHERE (section = 'net_assets' AND type <> 'TotalReported' OR type = 'NetAssetsReported'
               OR type = 'TotalReported' AND section = 'net_assets' AND kind <> 'other')
          AND item IS NOT NULL
    )
    SELECT CASE WHEN o.filing_id = r.filing_id THEN 'statements_agree' ELSE 'continuity' END AS "check",
           r.plan_id, r.as_of, r.item AS subject, r.amount AS expected, o.amount AS actual,
           [r.source, o.source] AS sources,
           CASE WHEN o.filing_id = r.filing_id
                THEN 'the statement of changes and the statement of net assets print different figures'
                ELSE 'a later filing prints a different figure for a date an earlier filing reported'
           END AS detail
    FROM f r JOIN f o ON o.plan_id = r.plan_id AND o.as_of = r.as_of AND o.item = r.item AND o.rank > 1
    WHERE r.rank = 1 AND o.amount <> r.amount;

-- Schedule H and the statement's investments in total, and whether they agree (to the thousand
-- per statement line where the statement prints in thousands): used by check 4.
CREATE OR REPLACE MACRO schedule_h_totals_known(k) AS TABLE
    SELECT plan_id, filing_id, as_of,
           sum(amount) FILTER (section = 'net_assets') AS statement_total,
           count(*) FILTER (section = 'net_assets') AS statement_lines,
           sum(amount) FILTER (section = 'schedule_h_4i') AS schedule_total,
           bool_or(unit = 'thousands') AS in_thousands,
           abs(statement_total - schedule_total) <= CASE WHEN in_thousands THEN 500 * statement_lines ELSE 0 END AS agree
    FROM figures_known(k)
    WHERE type = 'HoldingReported'
      AND (section = 'schedule_h_4i' OR section = 'net_assets' AND as_of = filing_year_end)
    GROUP BY plan_id, filing_id, as_of;

-- 4. Schedule H line 4i agrees, investment by investment, with the statement of net assets
--    (to the thousand where either prints in thousands).
CREATE OR REPLACE MACRO audit_schedule_h_known(k) AS TABLE
    WITH statement AS (
        SELECT * FROM figures_known(k)
        WHERE type = 'HoldingReported' AND section = 'net_assets' AND as_of = filing_year_end
    ), schedule AS (
        SELECT * FROM figures_known(k)
        WHERE type = 'HoldingReported' AND section = 'schedule_h_4i'
    ), scheduled_filings AS (
        SELECT DISTINCT plan_id, filing_id, as_of FROM schedule
    )
    SELECT 'schedule_h' AS "check", coalesce(s.plan_id, h.plan_id) AS plan_id, coalesce(s.as_of, h.as_of) AS as_of,
           'holding:' || coalesce(s.investment, h.investment) AS subject,
           coalesce(s.amount, 0) AS expected, coalesce(h.amount, 0) AS actual,
           list_filter([s.source, h.source], lambda x: x IS NOT NULL) AS sources,
           CASE WHEN h.plan_id IS NULL THEN 'an investment of the statement of net assets is missing from Schedule H'
                WHEN s.plan_id IS NULL THEN 'a Schedule H investment is missing from the statement of net assets'
                ELSE 'Schedule H prints a different value than the statement of net assets' END AS detail
    FROM statement s
    FULL JOIN schedule h ON h.plan_id = s.plan_id AND h.filing_id = s.filing_id AND h.as_of = s.as_of
         AND h.investment = s.investment
    WHERE abs(coalesce(s.amount, 0) - coalesce(h.amount, 0)) > CASE WHEN 'thousands' IN (s.unit, h.unit) THEN 500 ELSE 0 END
      AND EXISTS (SELECT 1 FROM scheduled_filings x
                  WHERE x.plan_id = coalesce(s.plan_id, h.plan_id) AND x.filing_id = coalesce(s.filing_id, h.filing_id)
                    AND x.as_of = coalesce(s.as_of, h.as_of))
      -- A line on one side only is no disagreement where the statement prints categories
      -- ("Registered investment companies") and Schedule H each fund, and their totals agree.
      AND NOT ((s.plan_id IS NULL OR h.plan_id IS NULL)
               AND EXISTS (SELECT 1 FROM schedule_h_totals_known(k) t
                           WHERE t.plan_id = coalesce(s.plan_id, h.plan_id) AND t.filing_id = coalesce(s.filing_id, h.filing_id)
                             AND t.as_of = coalesce(s.as_of, h.as_of) AND t.agree));

-- 4b. A money market fund keeps its shares at $1.00: Schedule H's value equals its share count.
CREATE OR REPLACE MACRO audit_money_market_known(k) AS TABLE
    SELECT 'schedule_h_shares' AS "check", plan_id, as_of, 'holding:' || investment AS subject,
           TRY_CAST(attributes ->> 'shares' AS DECIMAL(18, 2)) AS expected, amount AS actual, [source] AS sources,
           'a money market fund''s shares are worth $1.00 each, but its value is not its share count' AS detail
    FROM figures_known(k)
    WHERE type = 'HoldingReported' AND section = 'schedule_h_4i'
      AND (coalesce(label, '') || ' ' || coalesce(attributes ->> 'issuer', '') || ' ' || coalesce(attributes ->> 'description', '')) ILIKE '%money market%'
      AND abs(TRY_CAST(attributes ->> 'shares' AS DECIMAL(18, 2)) - amount) >= 1;

-- 2. Roll-forward: prior year end + the year's flows = this year end.
CREATE OR REPLACE MACRO audit_roll_forward_known(k) AS TABLE
    SELECT 'roll_forward' AS "check", plan_id, year_end AS as_of, 'net_assets' AS subject,
           replayed AS expected, reported_last AS actual,
           [{'document': reported_in, 'section': 'net_assets', 'line': reported_line, 'column': NULL,
             'text': 'net assets as last reported', 'amount': reported_last},
            {'document': flows_in, 'section': 'changes', 'line': NULL, 'column': NULL,
             'text': 'the year''s flows', 'amount': net_change}] AS sources,
           'net assets at the prior year end plus the year''s flows do not give the net assets reported' AS detail
    FROM net_assets_known(k)
    WHERE difference <> 0;

-- 5a. The notes on participant loans agree with the loans the statement holds.
CREATE OR REPLACE MACRO audit_loans_known(k) AS TABLE
    SELECT 'loans' AS "check", plan_id, year_end AS as_of, 'participant_loans' AS subject,
           notes_balance AS expected, coalesce(statement_balance, 0) AS actual,
           list_filter([notes_source, statement_source], lambda x: x IS NOT NULL) AS sources,
           'the notes state a different balance of participant loans than the statement' AS detail
    FROM loans_known(k)
    WHERE notes_balance IS NOT NULL
      AND abs(notes_balance - coalesce(statement_balance, 0)) > CASE WHEN statement_unit = 'thousands' THEN 500 ELSE 0 END
    UNION ALL
    SELECT 'loans', plan_id, year_end, 'participant_loans', NULL, statement_balance,
           list_filter([notes_source, statement_source], lambda x: x IS NOT NULL),
           CASE WHEN loan_count = 0 THEN 'the notes say no loans are outstanding, but the statement holds loans'
                ELSE 'the notes say loans are outstanding, but the statement holds none' END
    FROM loans_known(k)
    WHERE notes_balance IS NULL AND loan_count IS NOT NULL
      AND (loan_count = 0 AND coalesce(statement_balance, 0) <> 0
           OR loan_count > 0 AND coalesce(statement_balance, 0) = 0 AND statement_balance IS NOT NULL);

-- 5b. Where the plan makes no new loans, a later year end's loans carry rates seen before.
CREATE OR REPLACE MACRO audit_loan_rates_known(k) AS TABLE
    WITH l AS (
        SELECT *, lag(rate_low) OVER w AS prior_low, lag(rate_high) OVER w AS prior_high,
               lag(notes_source) OVER w AS prior_source
        FROM loans_known(k)
        WHERE rate_low IS NOT NULL OR rate_high IS NOT NULL
        WINDOW w AS (PARTITION BY plan_id ORDER BY year_end)
    )
    SELECT 'loan_rates' AS "check", plan_id, year_end AS as_of, 'participant_loan_rate' AS subject,
           CASE WHEN coalesce(rate_low, rate_high) < prior_low THEN prior_low ELSE prior_high END AS expected,
           CASE WHEN coalesce(rate_low, rate_high) < prior_low THEN coalesce(rate_low, rate_high)
                ELSE coalesce(rate_high, rate_low) END AS actual,
           [prior_source, notes_source] AS sources,
           'the plan makes no new loans, yet a loan outstanding now bears a rate outside the range of the loans outstanding a year earlier' AS detail
    FROM l
    WHERE new_loans_allowed = false AND prior_low IS NOT NULL
      AND (coalesce(rate_low, rate_high) < prior_low OR coalesce(rate_high, rate_low) > coalesce(prior_high, prior_low));

-- 5c. The notes' split of appreciation by asset class sums to the statement's appreciation.
CREATE OR REPLACE MACRO audit_appreciation_split_known(k) AS TABLE
    WITH s AS (
        SELECT plan_id, filing_id, as_of,
               sum(amount) FILTER (section = 'changes') AS statement,
               sum(amount) FILTER (section = 'notes') AS notes,
               list(source ORDER BY line) AS sources
        FROM figures_known(k) WHERE type = 'NetAppreciation'
        GROUP BY plan_id, filing_id, as_of
    )
    SELECT 'appreciation_split' AS "check", plan_id, as_of, 'net_appreciation' AS subject,
           statement AS expected, notes AS actual, sources,
           'the notes split the appreciation into amounts that do not sum to the statement''s' AS detail
    FROM s
    WHERE statement IS NOT NULL AND notes IS NOT NULL AND abs(statement) <> abs(notes);
