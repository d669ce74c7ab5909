-- The audit's checks that are plain arithmetic, as table macros over the figures known on k.
-- Each returns: check, plan_id, as_of, subject, expected, actual, source_ids, detail; a row only
-- where no accepted reading of the figures makes them agree. `source_ids` are the notification
-- ids of the lines involved: the figures are summed over millions of rows, and only a failing
-- check's few lines are fetched whole (by `projections/audit.py`, which also adds the checks
-- that need judgement: approximate figures, interest conventions).

-- 1. A statement foots: its lines sum to the subtotals and totals printed under them.
--    The sums (kept per statement column in `statement_sums`) are checked first; the lines
--    behind them are gathered only where one fails.
CREATE OR REPLACE MACRO audit_footing_known(k) AS TABLE
    WITH cols AS (
        SELECT * FROM statement_sums_known(k) WHERE section = 'net_assets'
    ), assets AS (
        SELECT *,
               CASE WHEN coalesce(printed_investments, holdings, cash, printed_receivables, receivables) IS NOT NULL
                    THEN coalesce(printed_investments, holdings, 0) + coalesce(cash, 0) + coalesce(printed_receivables, receivables, 0)
               END AS assets_from_subtotals,
               coalesce(holdings, 0) + coalesce(cash, 0) + coalesce(receivables, 0) AS assets_from_lines,
               -- notes receivable from participants printed apart from a receivables subtotal that leaves them out
               CASE WHEN printed_receivables = receivables - loan_receivables THEN assets_from_subtotals + loan_receivables
               END AS assets_with_loans_apart
        FROM cols
    ), checks AS (
        SELECT plan_id, filing_id, as_of, 'total_investments' AS subject, holdings AS expected, printed_investments AS actual,
               [holdings_without_loans] AS also_accepted,
               'the investment lines do not sum to the total investments printed under them' AS detail
        FROM assets
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'total_receivables', receivables, printed_receivables, [receivables - loan_receivables],
               'the receivables do not sum to the total receivables printed under them'
        FROM assets
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'total_assets', assets_from_subtotals, printed_assets,
               [assets_from_lines, assets_with_loans_apart],
               'investments, cash and receivables do not sum to the total assets printed under them'
        FROM assets
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'total_liabilities', liabilities, printed_liabilities, [],
               'the liabilities do not sum to the total liabilities printed under them'
        FROM assets
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'net_assets_at_fair_value',
               coalesce(printed_assets, assets_from_subtotals) - coalesce(printed_liabilities, liabilities, 0),
               printed_fair_value_net_assets, [assets_from_lines - coalesce(liabilities, 0)],
               'total assets less total liabilities do not equal the net assets at fair value printed'
        FROM assets
        UNION ALL
        -- net assets at contract value: the adjustment from fair value moves them
        SELECT plan_id, filing_id, as_of, 'net_assets',
               coalesce(printed_assets, assets_from_subtotals) - coalesce(printed_liabilities, liabilities, 0) + coalesce(adjustments, 0),
               printed_net_assets, [assets_from_lines - coalesce(liabilities, 0) + coalesce(adjustments, 0)],
               'total assets less total liabilities, plus the adjustment to contract value, do not equal the net assets printed'
        FROM assets
    ), changes AS (
        SELECT * FROM statement_sums_known(k) WHERE section = 'changes'
    ), ends AS (
        SELECT e.plan_id, e.filing_id, e.as_of, e.printed_net_assets AS printed_end,
               arg_max(b.printed_net_assets, b.as_of) AS printed_beginning,
               e.net_assets_id AS end_line, arg_max(b.net_assets_id, b.as_of) AS beginning_line
        FROM changes e
        JOIN changes b ON b.filing_id = e.filing_id AND b.plan_id = e.plan_id AND b.as_of < e.as_of
             AND b.printed_net_assets IS NOT NULL
        WHERE e.printed_net_assets IS NOT NULL
        GROUP BY ALL
    ), change_checks AS (
        SELECT plan_id, filing_id, as_of, 'total_contributions' AS subject, contributions AS expected,
               printed_contributions AS actual, [] AS also_accepted,
               'the contributions do not sum to the total contributions printed' AS detail
        FROM changes
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'total_investment_income', investment_income, printed_income, [-investment_income],
               'interest, dividends and appreciation do not sum to the investment income printed'
        FROM changes
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'total_additions',
               coalesce(printed_contributions, contributions, 0) + coalesce(printed_income, investment_income, 0) + coalesce(other_additions, 0),
               printed_additions,
               [coalesce(printed_contributions, contributions, 0) + coalesce(printed_income, investment_income, 0) + coalesce(other_additions, 0) + coalesce(transfers_in, 0),
                coalesce(contributions, 0) + coalesce(investment_income, 0) + coalesce(other_additions, 0)],
               'the additions do not sum to the total additions printed'
        FROM changes
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'total_deductions', deductions, abs(printed_deductions),
               [deductions + coalesce(transfers_out, 0)],
               'the deductions do not sum to the total deductions printed'
        FROM changes
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'net_change', net_change, printed_net_change,
               [coalesce(printed_additions, 0) - abs(coalesce(printed_deductions, 0)) + coalesce(transfers_in, 0) - coalesce(transfers_out, 0),
                coalesce(printed_additions, 0) - abs(coalesce(printed_deductions, 0))],
               'additions less deductions do not equal the net change printed'
        FROM changes
        UNION ALL
        SELECT plan_id, filing_id, as_of, 'end_of_year_net_assets',
               printed_beginning + coalesce(printed_net_change, net_change), printed_end, [printed_beginning + net_change],
               'beginning net assets plus the net change do not equal the end of year net assets printed'
        FROM ends JOIN changes USING (plan_id, filing_id, as_of)
    ), failing AS (
        -- a column the reader found to foot (every printed total the sum of the items it
        -- stands under) is not accused on the coarser sums above: those take every line of a
        -- kind, even one printed outside the subtotal of its kind
        SELECT * FROM (SELECT *, 'net_assets' AS statement FROM checks
                       UNION ALL SELECT *, 'changes' FROM change_checks) c
        WHERE expected IS NOT NULL AND actual IS NOT NULL AND actual <> expected
          AND NOT list_contains(also_accepted, actual)
          AND NOT EXISTS (SELECT 1 FROM readings_known(k) r
                          WHERE r.filing_id = c.filing_id AND r.plan_id = c.plan_id AND r.column_date = c.as_of
                            AND r.statement = c.statement AND r.reading IN ('footed', 'chosen'))
    ), lines AS (
        SELECT plan_id, filing_id, as_of,
               list(notification_id ORDER BY line) FILTER (n AND type = 'HoldingReported') AS holding_lines,
               list(notification_id ORDER BY line) FILTER (n AND type = 'CashReported') AS cash_lines,
               list(notification_id ORDER BY line) FILTER (n AND type = 'ReceivableReported') AS receivable_lines,
               list(notification_id ORDER BY line) FILTER (n AND type = 'LiabilityReported') AS liability_lines,
               list(notification_id ORDER BY line) FILTER (n AND type = 'TotalReported' AND kind = 'total_investments') AS investments_line,
               list(notification_id ORDER BY line) FILTER (n AND type = 'TotalReported' AND kind = 'total_receivables') AS receivables_line,
               list(notification_id ORDER BY line) FILTER (n AND type = 'TotalReported' AND kind = 'total_assets') AS assets_line,
               list(notification_id ORDER BY line) FILTER (n AND type = 'TotalReported' AND kind = 'total_liabilities') AS liabilities_line,
               list(notification_id ORDER BY line) FILTER (n AND type = 'NetAssetsReported') AS net_assets_line,
               list(notification_id ORDER BY line) FILTER (n AND type = 'ValueAdjustmentReported') AS adjustment_lines,
               list(notification_id ORDER BY line) FILTER (n AND is_fair_value_net_assets(item, label)) AS fair_value_line,
               list(notification_id ORDER BY line) FILTER (c AND effect IS NOT NULL) AS flow_lines,
               list(notification_id ORDER BY line) FILTER (c AND type = 'ContributionReceived') AS contribution_lines,
               list(notification_id ORDER BY line) FILTER (c AND type IN ('InterestAndDividends', 'NetAppreciation')) AS income_lines,
               list(notification_id ORDER BY line) FILTER (c AND type = 'TotalReported' AND kind = 'total_contributions') AS contributions_line,
               list(notification_id ORDER BY line) FILTER (c AND type = 'TotalReported' AND kind = 'total_investment_income') AS income_line,
               list(notification_id ORDER BY line) FILTER (c AND type = 'TotalReported' AND kind = 'total_additions') AS additions_line,
               list(notification_id ORDER BY line) FILTER (c AND type = 'TotalReported' AND kind = 'total_deductions') AS deductions_line,
               list(notification_id ORDER BY line) FILTER (c AND type = 'TotalReported' AND kind = 'net_change') AS net_change_line
        FROM (SELECT *, section = 'net_assets' AS n, section = 'changes' AS c FROM figures_known(k)) f
        SEMI JOIN failing USING (plan_id, filing_id, as_of)
        GROUP BY plan_id, filing_id, as_of
    )
    SELECT 'footing' AS "check", plan_id, as_of, subject, expected, actual,
           CASE subject
               WHEN 'total_investments' THEN list_concat(investments_line, holding_lines)
               WHEN 'total_receivables' THEN list_concat(receivables_line, receivable_lines)
               WHEN 'total_assets' THEN list_concat(assets_line, coalesce(investments_line, holding_lines), cash_lines,
                                                    coalesce(receivables_line, receivable_lines))
               WHEN 'total_liabilities' THEN list_concat(liabilities_line, liability_lines)
               WHEN 'net_assets_at_fair_value' THEN list_concat(fair_value_line,
                                                  coalesce(assets_line, list_concat(coalesce(investments_line, holding_lines), cash_lines,
                                                                                    coalesce(receivables_line, receivable_lines))),
                                                  coalesce(liabilities_line, liability_lines))
               WHEN 'net_assets' THEN list_concat(net_assets_line,
                                                  coalesce(assets_line, list_concat(coalesce(investments_line, holding_lines), cash_lines,
                                                                                    coalesce(receivables_line, receivable_lines))),
                                                  coalesce(liabilities_line, liability_lines), adjustment_lines)
               WHEN 'total_contributions' THEN list_concat(contributions_line, contribution_lines)
               WHEN 'total_investment_income' THEN list_concat(income_line, income_lines)
               WHEN 'total_additions' THEN list_concat(additions_line, flow_lines)
               WHEN 'total_deductions' THEN list_concat(deductions_line, flow_lines)
               WHEN 'net_change' THEN list_concat(net_change_line, flow_lines)
               WHEN 'end_of_year_net_assets' THEN list_concat([end_line, beginning_line], net_change_line)
           END AS source_ids,
           detail
    FROM failing
    LEFT JOIN lines USING (plan_id, filing_id, as_of)
    LEFT JOIN ends USING (plan_id, filing_id, as_of);

-- 3. Continuity: every figure stated for a date agrees with the one the filing for that year
--    printed in its statement of net assets (and, within a filing, the two statements agree).
CREATE OR REPLACE MACRO audit_continuity_known(k) AS TABLE
    WITH stated AS NOT MATERIALIZED (  -- scanned twice, narrowly, rather than 2.8M rows stored
        SELECT notification_id, plan_id, filing_id, as_of, item, amount, filing_year_end, section, known_at, line,
               hash(plan_id, as_of, item) AS key
        FROM figures_known(k)
        WHERE (section = 'net_assets' AND type <> 'TotalReported' OR type = 'NetAssetsReported'
               OR type = 'TotalReported' AND section = 'net_assets' AND kind <> 'other')
          AND item IS NOT NULL
    ), disputed AS (
        -- by a hash of the key: a collision only adds a candidate, ranked below by the key itself
        SELECT key FROM stated GROUP BY key HAVING min(amount) <> max(amount)
    ), f AS (
        SELECT *, row_number() OVER (
                   PARTITION BY plan_id, as_of, item
                   ORDER BY filing_year_end = as_of DESC, section = 'net_assets' DESC, known_at, line) AS rank
        FROM stated SEMI JOIN disputed USING (key)
    )
    SELECT CASE WHEN o.filing_id = r.filing_id THEN 'statements_agree' ELSE 'continuity' END AS "check",
           r.plan_id, r.as_of, r.item AS subject, r.amount AS expected, o.amount AS actual,
           [r.notification_id, o.notification_id] AS source_ids,
           CASE WHEN o.filing_id = r.filing_id
                THEN 'the statement of changes and the statement of net assets print different figures'
                ELSE 'a later filing prints a different figure for a date an earlier filing reported'
           END AS detail
    FROM f r
    JOIN f o ON o.plan_id = r.plan_id AND o.as_of = r.as_of AND o.item = r.item AND o.rank > 1
    WHERE r.rank = 1 AND o.amount <> r.amount;

-- Schedule H and the statement's investments in total (with participant loans, which the statement
-- may print as notes receivable), and whether they agree (to the thousand per statement line
-- where the statement prints in thousands): used by check 4.
CREATE OR REPLACE MACRO schedule_h_totals_known(k) AS TABLE
    SELECT plan_id, filing_id, as_of,
           sum(amount) FILTER (section = 'net_assets') AS statement_total,
           count(*) FILTER (section = 'net_assets') AS statement_lines,
           sum(amount) FILTER (section = 'schedule_h_4i') AS schedule_total,
           bool_or(unit = 'thousands') AS in_thousands,
           abs(statement_total - schedule_total) <= CASE WHEN in_thousands THEN 500 * statement_lines ELSE 0 END AS agree
    FROM figures_known(k)
    WHERE type = 'HoldingReported' AND section = 'schedule_h_4i'
       OR (type = 'HoldingReported' OR item = 'receivable:participant_loans') AND section = 'net_assets' AND as_of = filing_year_end
    GROUP BY plan_id, filing_id, as_of;

-- 4. Schedule H line 4i agrees, investment by investment, with the statement of net assets
--    (to the thousand where either prints in thousands). Participant loans the statement prints as
--    notes receivable are matched by Schedule H's row naming them.
CREATE OR REPLACE MACRO audit_schedule_h_known(k) AS TABLE
    WITH statement AS (
        SELECT *, item AS key FROM figures_known(k)
        WHERE (type = 'HoldingReported' OR item = 'receivable:participant_loans')
          AND section = 'net_assets' AND as_of = filing_year_end
    ), loan_receivables AS (
        SELECT DISTINCT plan_id, filing_id, as_of FROM statement WHERE type = 'ReceivableReported'
    ), schedule AS (
        SELECT f.*, CASE WHEN l.plan_id IS NOT NULL AND names_participant_loans(f.label, f.issuer, f.description)
                         THEN 'receivable:participant_loans' ELSE f.item END AS key
        FROM figures_known(k) f
        LEFT JOIN loan_receivables l ON l.plan_id = f.plan_id AND l.filing_id = f.filing_id AND l.as_of = f.as_of
        WHERE f.type = 'HoldingReported' AND f.section = 'schedule_h_4i'
    ), scheduled_filings AS (
        SELECT DISTINCT plan_id, filing_id, as_of FROM schedule
    )
    SELECT 'schedule_h' AS "check", coalesce(s.plan_id, h.plan_id) AS plan_id, coalesce(s.as_of, h.as_of) AS as_of,
           coalesce(s.key, h.key) AS subject,
           coalesce(s.amount, 0) AS expected, coalesce(h.amount, 0) AS actual,
           list_filter([s.notification_id, h.notification_id], lambda x: x IS NOT NULL) AS source_ids,
           CASE WHEN h.plan_id IS NULL AND s.type = 'ReceivableReported'
                THEN 'the statement''s notes receivable from participants are missing from Schedule H'
                WHEN h.plan_id IS NULL THEN 'an investment of the statement of net assets is missing from Schedule H'
                WHEN s.plan_id IS NULL THEN 'a Schedule H investment is missing from the statement of net assets'
                ELSE 'Schedule H prints a different value than the statement of net assets' END AS detail
    FROM statement s
    FULL JOIN schedule h ON h.plan_id = s.plan_id AND h.filing_id = s.filing_id AND h.as_of = s.as_of AND h.key = s.key
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
    WITH named AS (  -- by name first: only the few holdings so named have their JSON read
        SELECT notification_id FROM figures_known(k)
        WHERE type = 'HoldingReported' AND section = 'schedule_h_4i'
          AND (label ILIKE '%money market%' OR issuer ILIKE '%money market%' OR description ILIKE '%money market%')
    )
    SELECT 'schedule_h_shares' AS "check", plan_id, as_of, 'holding:' || investment AS subject,
           TRY_CAST(attributes ->> 'shares' AS DECIMAL(18, 2)) AS expected, amount AS actual, [notification_id] AS source_ids,
           'a money market fund''s shares are worth $1.00 each, but its value is not its share count' AS detail
    FROM figures_known(k) SEMI JOIN named USING (notification_id)
    WHERE abs(TRY_CAST(attributes ->> 'shares' AS DECIMAL(18, 2)) - amount) >= 1;

-- 2. Roll-forward: prior year end + the year's flows = this year end. The lines: the net assets
--    as last reported, and the flows of the filing they were taken from.
CREATE OR REPLACE MACRO audit_roll_forward_known(k) AS TABLE
    WITH failing AS (
        SELECT * FROM net_assets_known(k) WHERE difference <> 0
    ), lines AS (
        SELECT x.plan_id, x.year_end,
               any_value(f.notification_id) FILTER (f.type = 'NetAssetsReported' AND f.document = x.reported_in
                                                    AND f.line = x.reported_line) AS reported_id,
               list(f.notification_id ORDER BY f.line) FILTER (f.effect IS NOT NULL AND f.section = 'changes'
                                                               AND f.document = x.flows_in) AS flow_ids
        FROM failing x
        JOIN figures_known(k) f ON f.plan_id = x.plan_id AND f.as_of = x.year_end
        GROUP BY ALL
    )
    SELECT 'roll_forward' AS "check", plan_id, year_end AS as_of, 'net_assets' AS subject,
           replayed AS expected, reported_last AS actual,
           list_concat(list_filter([reported_id], lambda x: x IS NOT NULL), flow_ids) AS source_ids,
           'net assets at the prior year end plus the year''s flows do not give the net assets reported' AS detail
    FROM failing JOIN lines USING (plan_id, year_end);

-- 5a. The notes on participant loans agree with the loans the statement holds, as an investment
--     or as notes receivable from participants.
CREATE OR REPLACE MACRO audit_loans_known(k) AS TABLE
    WITH notes AS (
        SELECT * FROM loan_notes_known(k)
    ), held AS (
        SELECT plan_id, as_of,
               arg_max(amount, recency(known_at, notification_id)) AS statement_balance,
               arg_max(notification_id, recency(known_at, notification_id)) AS statement_id,
               arg_max(unit, recency(known_at, notification_id)) AS statement_unit
        FROM figures_known(k) SEMI JOIN notes USING (plan_id, as_of)
        WHERE section = 'net_assets'
          AND (type = 'HoldingReported' AND (label ILIKE '%loan%' OR investment ILIKE '%loan%') OR item = 'receivable:participant_loans')
        GROUP BY plan_id, as_of
    ), loans AS (
        SELECT *, list_filter([notes_id, statement_id], lambda x: x IS NOT NULL) AS source_ids
        FROM notes LEFT JOIN held USING (plan_id, as_of)
    )
    SELECT 'loans' AS "check", plan_id, as_of, 'participant_loans' AS subject,
           notes_balance AS expected, coalesce(statement_balance, 0) AS actual, source_ids,
           'the notes state a different balance of participant loans than the statement' AS detail
    FROM loans
    WHERE notes_balance IS NOT NULL
      AND abs(notes_balance - coalesce(statement_balance, 0)) > CASE WHEN statement_unit = 'thousands' THEN 500 ELSE 0 END
    UNION ALL
    SELECT 'loans', plan_id, as_of, 'participant_loans', NULL, statement_balance, source_ids,
           CASE WHEN loan_count = 0 THEN 'the notes say no loans are outstanding, but the statement holds loans'
                ELSE 'the notes say loans are outstanding, but the statement holds none' END
    FROM loans
    WHERE notes_balance IS NULL AND loan_count IS NOT NULL
      AND (loan_count = 0 AND coalesce(statement_balance, 0) <> 0
           OR loan_count > 0 AND coalesce(statement_balance, 0) = 0 AND statement_balance IS NOT NULL);

-- 5b. Where the plan makes no new loans, a later year end's loans carry rates seen before.
CREATE OR REPLACE MACRO audit_loan_rates_known(k) AS TABLE
    WITH l AS (
        SELECT *, lag(rate_low) OVER w AS prior_low, lag(rate_high) OVER w AS prior_high,
               lag(notes_id) OVER w AS prior_id
        FROM loan_notes_known(k)
        WHERE rate_low IS NOT NULL OR rate_high IS NOT NULL
        WINDOW w AS (PARTITION BY plan_id ORDER BY as_of)
    )
    SELECT 'loan_rates' AS "check", plan_id, as_of, 'participant_loan_rate' AS subject,
           CASE WHEN coalesce(rate_low, rate_high) < prior_low THEN prior_low ELSE prior_high END AS expected,
           CASE WHEN coalesce(rate_low, rate_high) < prior_low THEN coalesce(rate_low, rate_high)
                ELSE coalesce(rate_high, rate_low) END AS actual,
           [prior_id, notes_id] AS source_ids,
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
               list(notification_id ORDER BY line) AS source_ids
        FROM figures_known(k) WHERE type = 'NetAppreciation'
        GROUP BY plan_id, filing_id, as_of
    )
    SELECT 'appreciation_split' AS "check", plan_id, as_of, 'net_appreciation' AS subject,
           statement AS expected, notes AS actual, source_ids,
           'the notes split the appreciation into amounts that do not sum to the statement''s' AS detail
    FROM s
    WHERE statement IS NOT NULL AND notes IS NOT NULL AND abs(statement) <> abs(notes);

-- 10. Inline XBRL: the fact tagging a printed figure states another value than the one printed.
CREATE OR REPLACE MACRO audit_tagged_facts_known(k) AS TABLE
    SELECT 'xbrl_tag' AS "check", plan_id, as_of, 'tag:' || (attributes ->> 'concept') AS subject,
           amount AS expected, TRY_CAST(attributes ->> 'tagged' AS DECIMAL(18, 2)) AS actual,
           [notification_id] AS source_ids,
           'the inline XBRL fact tagging this figure states another value than the one printed (expected: printed, actual: tagged)' AS detail
    FROM figures_known(k)
    WHERE type = 'TaggedFactDiffers';

-- 11. Form 5500 continuity: the beginning of a plan year repeats the end of the one before it
--     (consecutive plan years: the next begins the day after the last ended), on the latest
--     filing known of each.
CREATE OR REPLACE MACRO audit_form5500_continuity_known(k) AS TABLE
    WITH f AS MATERIALIZED (
        SELECT notification_id, plan_id, as_of, period_start, net_assets_boy, net_assets_eoy, total_assets_boy, total_assets_eoy,
               total_liabilities_boy, total_liabilities_eoy
        FROM form5500_known(k)
    ), failing AS (  -- the year before: the one ending the day before this one began
        SELECT c.plan_id, c.as_of, c.notification_id, p.notification_id AS prior_id, unnest([
                   {'measure': 'net_assets', 'prior': p.net_assets_eoy, 'opening': c.net_assets_boy},
                   {'measure': 'total_assets', 'prior': p.total_assets_eoy, 'opening': c.total_assets_boy},
                   {'measure': 'total_liabilities', 'prior': p.total_liabilities_eoy, 'opening': c.total_liabilities_boy}]) AS x
        FROM f c JOIN f p ON p.plan_id = c.plan_id AND p.as_of = c.period_start - INTERVAL 1 DAY
        WHERE p.net_assets_eoy <> c.net_assets_boy OR p.total_assets_eoy <> c.total_assets_boy
           OR p.total_liabilities_eoy <> c.total_liabilities_boy
    )
    SELECT 'form5500_continuity' AS "check", x.plan_id, x.as_of, x.x.measure || '_boy' AS subject,
           x.x.prior AS expected, x.x.opening AS actual, []::BIGINT[] AS source_ids,
           'the Form 5500 opens the plan year with a different figure than the prior year''s Form 5500 closed it' AS detail,
           [form5500_cell(p.document, p.section, p.line, pl.column_name, pl.form_line, p.text, x.x.prior),
            form5500_cell(c.document, c.section, c.line, cl.column_name, cl.form_line, c.text, x.x.opening)] AS sources
    FROM failing x
    JOIN form5500 c ON c.notification_id = x.notification_id
    JOIN form5500 p ON p.notification_id = x.prior_id
    JOIN form5500_lines cl ON cl.schedule = c.schedule AND cl.measure = x.x.measure || '_boy'
    JOIN form5500_lines pl ON pl.schedule = p.schedule AND pl.measure = x.x.measure || '_eoy'
    WHERE x.x.prior <> x.x.opening;

-- The 11-K's side of the comparison with the Form 5500, per plan and year end, from the 11-Ks
-- only (a Form 5500 filing's own events are left out): net assets as the statement of net
-- assets last reported them, the flows of the latest filing reporting the year's changes,
-- participant loans as the statement holds them (else as the notes give them).
CREATE OR REPLACE MACRO eleven_k_figures_known(k) AS TABLE
    WITH figures AS (
        SELECT * FROM figures_known(k) e
        WHERE type IN ('NetAssetsReported', 'ContributionReceived', 'BenefitPaid', 'ReceivableReported', 'HoldingReported',
                       'ParticipantLoansReported')
          AND NOT EXISTS (SELECT 1 FROM form5500 f WHERE f.filing_id = e.filing_id)
    ), reported AS (
        SELECT plan_id, as_of,
               arg_max(amount, recency(known_at, notification_id, section = 'net_assets')) AS net_assets,
               arg_max(notification_id, recency(known_at, notification_id, section = 'net_assets')) AS net_assets_id
        FROM figures WHERE type = 'NetAssetsReported'
        GROUP BY plan_id, as_of
    ), flow_filing AS (
        SELECT plan_id, as_of, arg_max(filing_id, recency(known_at, notification_id)) AS filing_id
        FROM figures WHERE type IN ('ContributionReceived', 'BenefitPaid') AND section = 'changes'
        GROUP BY plan_id, as_of
    ), flows AS (
        SELECT plan_id, as_of,
               sum(amount) FILTER (type = 'ContributionReceived') AS contributions,
               coalesce(sum(amount) FILTER (type = 'ContributionReceived' AND kind = 'employer'), 0) AS contributions_employer,
               coalesce(sum(amount) FILTER (type = 'ContributionReceived' AND kind = 'participant'), 0) AS contributions_participant,
               coalesce(sum(amount) FILTER (type = 'ContributionReceived' AND kind NOT IN ('employer', 'participant')), 0) AS contributions_other,
               list(notification_id ORDER BY line) FILTER (type = 'ContributionReceived') AS contribution_ids,
               list(notification_id ORDER BY line) FILTER (type = 'ContributionReceived' AND kind = 'employer') AS employer_ids,
               list(notification_id ORDER BY line) FILTER (type = 'ContributionReceived' AND kind = 'participant') AS participant_ids,
               list(notification_id ORDER BY line) FILTER (type = 'ContributionReceived' AND kind NOT IN ('employer', 'participant')) AS other_ids,
               sum(amount) FILTER (type = 'BenefitPaid') AS benefits,
               list(notification_id ORDER BY line) FILTER (type = 'BenefitPaid') AS benefit_ids
        FROM figures JOIN flow_filing USING (plan_id, as_of, filing_id)
        WHERE section = 'changes'
        GROUP BY plan_id, as_of
    ), loans AS (
        SELECT plan_id, as_of,
               arg_max(amount, recency(known_at, notification_id)) FILTER (held) AS held,
               arg_max(notification_id, recency(known_at, notification_id)) FILTER (held) AS held_id,
               arg_max(amount, recency(known_at, notification_id)) FILTER (type = 'ParticipantLoansReported') AS noted,
               arg_max(notification_id, recency(known_at, notification_id)) FILTER (type = 'ParticipantLoansReported' AND amount IS NOT NULL) AS noted_id
        FROM (SELECT *, section = 'net_assets' AND (item = 'receivable:participant_loans'
                        OR type = 'HoldingReported' AND (label ILIKE '%loan%' OR investment ILIKE '%loan%')) AS held
              FROM figures WHERE type IN ('ReceivableReported', 'HoldingReported', 'ParticipantLoansReported'))
        WHERE held OR type = 'ParticipantLoansReported'
        GROUP BY plan_id, as_of
    ), year_ends AS (
        SELECT plan_id, as_of FROM reported UNION SELECT plan_id, as_of FROM flows UNION SELECT plan_id, as_of FROM loans
    )
    SELECT y.plan_id, y.as_of, r.net_assets, r.net_assets_id, fl.* EXCLUDE (plan_id, as_of),
           coalesce(l.held, l.noted) AS participant_loans, CASE WHEN l.held IS NOT NULL THEN l.held_id ELSE l.noted_id END AS loans_id
    FROM year_ends y
    LEFT JOIN reported r USING (plan_id, as_of)
    LEFT JOIN flows fl USING (plan_id, as_of)
    LEFT JOIN loans l USING (plan_id, as_of);

-- The 11-K's reconciliation notes to Form 5500: the latest note per plan, year end and measure,
-- its figure per the statements (or the Form 5500's less the reconciling items) and per the Form 5500.
CREATE OR REPLACE MACRO reconciliations_known(k) AS TABLE
    SELECT plan_id, as_of, kind AS measure,
           arg_max(coalesce(TRY_CAST(attributes ->> 'per_statements' AS DECIMAL(18, 2)),
                            amount - coalesce(list_sum(list_transform(CAST(attributes -> 'items' AS JSON[]),
                                                                      lambda i: TRY_CAST(i ->> 'amount' AS DECIMAL(18, 2)))), 0)),
                   recency(known_at, notification_id)) AS per_statements,
           arg_max(amount, recency(known_at, notification_id)) AS per_form_5500,
           arg_max(notification_id, recency(known_at, notification_id)) AS note_id,
           arg_max(document, recency(known_at, notification_id)) AS note_document,
           arg_max(line, recency(known_at, notification_id)) AS note_line,
           arg_max(label, recency(known_at, notification_id)) AS note_label
    FROM figures_known(k)
    WHERE type = 'Form5500ReconciliationReported'
    GROUP BY ALL;

-- Each plan-year with both an 11-K and a Form 5500: the figures both print, side by side, and
-- whether they agree, differ with a reconciliation note explaining it, or differ unexplained.
-- `accepted`: the Form 5500 figures that agree with the 11-K's (benefits: 2e alone, or with the
-- deemed and corrective distributions the 5500 reports apart in 2f and 2g). Contributions by
-- source are compared where the totals agree: a difference of the total is the finding.
CREATE OR REPLACE MACRO form5500_comparisons_known(k) AS TABLE
    WITH eleven_k AS MATERIALIZED (
        SELECT * FROM eleven_k_figures_known(k)
    ), f AS (  -- the latest Form 5500 of the plan-years an 11-K covers, found from the (few) 11-Ks
        SELECT f.* FROM form5500 f SEMI JOIN eleven_k USING (plan_id, as_of)
        WHERE f.known_at <= k AND NOT form5500_replaced(k, f.plan_id, f.as_of, f.known_at, f.notification_id)
    ), pairs AS (
        SELECT f.plan_id, f.as_of, f.schedule, f.document, f.section, f.line, f.text, unnest([
            {'subject': 'net_assets', 'measure': 'net_assets', 'statements': x.net_assets, 'ids': [x.net_assets_id],
             'form': f.net_assets_eoy, 'form_measure': 'net_assets_eoy', 'accepted': [f.net_assets_eoy]},
            {'subject': 'contributions', 'measure': 'contributions', 'statements': x.contributions, 'ids': x.contribution_ids,
             'form': coalesce(f.total_contributions, f.employer_contributions + f.participant_contributions
                              + coalesce(f.other_contributions, 0) + coalesce(f.noncash_contributions, 0)),
             'form_measure': CASE WHEN f.total_contributions IS NOT NULL THEN 'total_contributions' ELSE 'employer_contributions' END,
             'accepted': []},
            {'subject': 'contributions:employer', 'measure': NULL, 'statements': x.contributions_employer, 'ids': x.employer_ids,
             'form': f.employer_contributions, 'form_measure': 'employer_contributions', 'accepted': []},
            {'subject': 'contributions:participant', 'measure': NULL, 'statements': x.contributions_participant, 'ids': x.participant_ids,
             'form': f.participant_contributions, 'form_measure': 'participant_contributions', 'accepted': []},
            {'subject': 'contributions:other', 'measure': NULL, 'statements': x.contributions_other, 'ids': x.other_ids,
             'form': coalesce(f.other_contributions, 0) + coalesce(f.noncash_contributions, 0), 'form_measure': 'other_contributions',
             'accepted': []},
            {'subject': 'benefits', 'measure': 'benefits', 'statements': x.benefits, 'ids': x.benefit_ids,
             'form': f.benefits_paid, 'form_measure': 'benefits_paid',
             'accepted': [f.benefits_paid + coalesce(f.deemed_distributions, 0),
                          f.benefits_paid + coalesce(f.corrective_distributions, 0),
                          f.benefits_paid + coalesce(f.deemed_distributions, 0) + coalesce(f.corrective_distributions, 0),
                          f.benefits_paid + coalesce(f.corrective_and_deemed_distributions, 0)]},
            {'subject': 'participant_loans', 'measure': 'participant_loans', 'statements': x.participant_loans, 'ids': [x.loans_id],
             'form': f.participant_loans_eoy, 'form_measure': 'participant_loans_eoy', 'accepted': []}
        ]) AS c,
        x.contributions IS NOT DISTINCT FROM coalesce(f.total_contributions, f.employer_contributions + f.participant_contributions
                              + coalesce(f.other_contributions, 0) + coalesce(f.noncash_contributions, 0)) AS totals_agree
        FROM f JOIN eleven_k x USING (plan_id, as_of)
    ), compared AS (
        SELECT p.plan_id, p.as_of, c.subject, c.measure, c.statements, c.form, list_concat([c.form], c.accepted) AS accepted,
               c.ids, p.schedule, c.form_measure,
               form5500_cell(p.document, p.section, p.line, l.column_name, l.form_line, p.text, c.form) AS form_source,
               r.per_statements, r.per_form_5500, r.note_id, r.note_document, r.note_line, r.note_label
        FROM pairs p
        LEFT JOIN form5500_lines l ON l.schedule = p.schedule AND l.measure = c.form_measure
        LEFT JOIN reconciliations_known(k) r ON r.plan_id = p.plan_id AND r.as_of = p.as_of AND r.measure = c.measure
        WHERE c.statements IS NOT NULL AND c.form IS NOT NULL
          AND (c.subject NOT LIKE 'contributions:%' OR p.totals_agree)
    )
    SELECT *,
           CASE WHEN list_contains(accepted, statements) THEN 'agree'
                WHEN per_statements = statements AND list_contains(accepted, per_form_5500) THEN 'explained'
                ELSE 'unexplained' END AS outcome,
           note_id IS NOT NULL AND NOT list_contains(accepted, per_form_5500) AS note_disagrees
    FROM compared;

-- 12. The 11-K against its Form 5500: a difference no reconciliation note explains, and a note
--     whose Form 5500 figure is not the one the Form 5500 prints.
CREATE OR REPLACE MACRO audit_form5500_vs_11k_known(k) AS TABLE
    WITH found AS (
        SELECT plan_id, as_of, form_source, unnest(list_filter([
            CASE WHEN outcome = 'unexplained' THEN
                {'subject': subject, 'expected': statements, 'actual': form, 'source_ids': list_filter(ids, lambda x: x IS NOT NULL),
                 'detail': 'the Form 5500 prints a different figure than the 11-K''s statements, and no reconciliation note explains the difference'}
            END,
            CASE WHEN note_disagrees THEN
                {'subject': 'reconciliation:' || subject, 'expected': per_form_5500, 'actual': form, 'source_ids': [note_id],
                 'detail': 'the 11-K''s reconciliation note gives a Form 5500 figure the Form 5500 does not print'}
            END], lambda x: x IS NOT NULL)) AS x
        FROM form5500_comparisons_known(k)
        WHERE outcome = 'unexplained' OR note_disagrees
    )
    SELECT 'form5500_vs_11k' AS "check", plan_id, as_of, x.subject, x.expected, x.actual, x.source_ids, x.detail,
           [form_source] AS sources
    FROM found;

-- Differences between the 11-K and its Form 5500 that the 11-K's reconciliation note explains:
-- not findings, listed with the note's line.
CREATE OR REPLACE MACRO explained_differences_known(k) AS TABLE
    SELECT plan_id, as_of, subject, statements AS per_statements, form AS per_form_5500, form - statements AS difference,
           note_document, note_line, note_label, form_source, note_id, ids AS statement_ids
    FROM form5500_comparisons_known(k)
    WHERE outcome = 'explained';

CREATE OR REPLACE VIEW explained_differences AS
    SELECT * EXCLUDE (note_id, statement_ids) FROM explained_differences_known(DATE '9999-12-31');

-- 13. Late participant contributions: Form 5500 line 4a (answer and amount) against the deemed
--     loans and nonexempt transactions the plan's 11-Ks report in that plan year.
CREATE OR REPLACE MACRO audit_late_contributions_known(k) AS TABLE
    WITH reported AS (
        SELECT e.* FROM figures_known(k) e
        WHERE e.type IN ('DeemedLoanMade', 'NonexemptTransactionReported')
          AND NOT EXISTS (SELECT 1 FROM form5500 x WHERE x.filing_id = e.filing_id)
    ), loans AS (  -- a deemed loan is counted once, however many 11-Ks list it
        SELECT plan_id, kind, type, arg_max(as_of, recency(known_at, notification_id)) AS as_of,
               arg_max(amount, recency(known_at, notification_id)) AS amount,
               arg_max(notification_id, recency(known_at, notification_id)) AS notification_id
        FROM reported
        GROUP BY plan_id, CASE WHEN type = 'DeemedLoanMade' THEN kind ELSE CAST(notification_id AS VARCHAR) END, kind, type
    ), f AS (  -- the latest Form 5500s of the (few) plans whose 11-Ks report late deposits
        SELECT f.* FROM form5500 f SEMI JOIN loans USING (plan_id)
        WHERE f.known_at <= k AND (f.late_contributions IS NOT NULL OR f.late_contributions_answer IS NOT NULL)
          AND NOT form5500_replaced(k, f.plan_id, f.as_of, f.known_at, f.notification_id)
    ), late AS (
        SELECT f.plan_id, f.as_of, sum(l.amount) AS amount, list(l.notification_id ORDER BY l.as_of) AS ids
        FROM f JOIN loans l ON l.plan_id = f.plan_id
             AND l.as_of BETWEEN coalesce(f.period_start, f.as_of - INTERVAL 1 YEAR + INTERVAL 1 DAY) AND f.as_of
        GROUP BY f.plan_id, f.as_of
    )
    SELECT 'late_contributions' AS "check", f.plan_id, f.as_of, 'late_contributions' AS subject,
           late.amount AS expected, coalesce(f.late_contributions, 0) AS actual, late.ids AS source_ids,
           CASE WHEN f.late_contributions_answer = false
                THEN 'Form 5500 line 4a answers no, yet the 11-K reports participant contributions remitted late'
                ELSE 'Form 5500 line 4a reports a different amount of late participant contributions than the 11-K' END AS detail,
           [form5500_cell(f.document, f.section, f.line, l.column_name, l.form_line, f.text, f.late_contributions)] AS sources
    FROM f JOIN late USING (plan_id, as_of)
    JOIN form5500_lines l ON l.schedule = f.schedule AND l.measure = 'late_contributions' 
    WHERE f.late_contributions_answer = false AND coalesce(f.late_contributions, 0) = 0
       OR f.late_contributions IS NOT NULL AND late.amount IS NOT NULL AND f.late_contributions <> late.amount;

CREATE OR REPLACE VIEW form5500_comparisons AS
    SELECT * EXCLUDE (ids, note_id) FROM form5500_comparisons_known(DATE '9999-12-31');
