-- The projections' DuckDB schema. Tables hold what the runner writes; everything else is a
-- view or a table macro over them, so a rebuild and a catch-up cannot drift apart.
-- Each `*_known(k)` macro answers "as known on date k" (events of filings signed on or before k);
-- the view of the same name answers it for everything known.

CREATE TABLE IF NOT EXISTS tracking (
    application_name VARCHAR PRIMARY KEY,
    notification_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS projection_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
    notification_id BIGINT NOT NULL,
    plan_id UUID NOT NULL,
    position INTEGER NOT NULL,
    type VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    known_at DATE NOT NULL,
    period_start DATE,
    amount DECIMAL(18, 2),
    effect DECIMAL(18, 2),
    label VARCHAR,
    kind VARCHAR,
    investment VARCHAR,
    issuer VARCHAR,  -- Schedule H's identity of issuer and description of investment
    description VARCHAR,
    approximate BOOLEAN,
    attributes JSON,
    filing_id UUID NOT NULL,
    document VARCHAR,
    filing_year_end DATE,
    filing_prior_year_end DATE,
    section VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    column_label VARCHAR,
    unit VARCHAR NOT NULL,
    item VARCHAR  -- the quantity a figure states, so figures of different filings compare: see item_of
);

CREATE TABLE IF NOT EXISTS findings (
    "check" VARCHAR NOT NULL,
    plan_id UUID NOT NULL,
    as_of DATE NOT NULL,
    subject VARCHAR NOT NULL,
    expected DECIMAL(18, 4),
    actual DECIMAL(18, 4),
    difference DECIMAL(18, 4),
    unit VARCHAR NOT NULL,
    filings VARCHAR[] NOT NULL,
    sources JSON NOT NULL,
    detail VARCHAR NOT NULL,
    reading VARCHAR NOT NULL,  -- firm, or unsure: a line it rests on sits in a column read by choice or with rows unplaced
    reading_reason VARCHAR NOT NULL,
    exact JSON NOT NULL  -- the finding as `audit --format json` prints it, figures exactly as computed
);

CREATE OR REPLACE MACRO filings_known(k) AS TABLE
    WITH counted AS (SELECT plan_id, filing_id, count(*) AS events FROM events WHERE known_at <= k GROUP BY ALL)
    SELECT e.filing_id, e.plan_id, e.document, e.as_of AS year_end,
           e.period_start,
           e.filing_prior_year_end AS prior_year_end,
           TRY_CAST(e.attributes ->> 'date_signed' AS DATE) AS date_signed,
           e.known_at, e.attributes ->> 'form' AS form, e.attributes ->> 'auditor' AS auditor,
           coalesce(e.attributes ->> 'unit', 'dollars') AS unit, e.attributes ->> 'digest' AS digest,
           counted.events
    FROM events e
    JOIN counted USING (plan_id, filing_id)
    WHERE e.type = 'FilingReported' AND e.known_at <= k;

CREATE OR REPLACE VIEW filings AS SELECT * FROM filings_known(DATE '9999-12-31');

CREATE OR REPLACE MACRO plans_known(k) AS TABLE
    WITH named AS (
        SELECT plan_id,
               arg_max(attributes ->> 'name', notification_id) AS name,
               arg_max(attributes ->> 'sponsor', notification_id) AS sponsor,
               arg_max(attributes ->> 'ein', notification_id) AS ein,
               arg_max(attributes ->> 'plan_number', notification_id) AS plan_number
        FROM events
        WHERE type = 'PlanIdentified' AND known_at <= k
        GROUP BY plan_id
    ), filed AS (
        SELECT plan_id, count(*) FILTER (type = 'FilingReported') AS filings,
               min(as_of) FILTER (type = 'FilingReported') AS first_year_end,
               max(as_of) FILTER (type = 'FilingReported') AS last_year_end,
               count(*) AS events
        FROM events
        WHERE known_at <= k
        GROUP BY plan_id
    )
    SELECT named.*, filed.filings, filed.first_year_end, filed.last_year_end, filed.events
    FROM named JOIN filed USING (plan_id);

CREATE OR REPLACE VIEW plans AS SELECT * FROM plans_known(DATE '9999-12-31');

-- Which of several statements of a figure is the latest: the filing signed last, then (if
-- `preferred` is given) the preferred kind of line, then the one recorded last. One BIGINT, so
-- arg_max over millions of figures compares integers, not tuples.
CREATE OR REPLACE MACRO recency(known_at, notification_id, preferred := false) AS
    (date_diff('day', DATE '1900-01-01', known_at)::BIGINT << 40) | (preferred::BIGINT << 39) | notification_id;

-- The quantity a figure states ("holding:<investment>", "cash", "total:total_assets", ...):
-- stored with each event as it is loaded.
CREATE OR REPLACE MACRO item_of(type, kind, investment) AS
    CASE type
        WHEN 'HoldingReported' THEN 'holding:' || investment
        WHEN 'CashReported' THEN 'cash'
        WHEN 'ReceivableReported' THEN 'receivable:' || kind
        WHEN 'LiabilityReported' THEN 'liability:' || kind
        WHEN 'TotalReported' THEN 'total:' || kind
        WHEN 'NetAssetsReported' THEN 'net_assets'
        WHEN 'ValueAdjustmentReported' THEN 'value_adjustment'
        WHEN 'StatementRead' THEN NULL  -- how a column was read: no figure
        WHEN 'TaggedFactDiffers' THEN NULL  -- a tag's other value: a finding, not a figure
        WHEN 'SubmissionReported' THEN NULL
        WHEN 'Form5500ReconciliationReported' THEN NULL  -- a note's reconciliation: the audit reads it apart
        ELSE type || coalesce(':' || kind, '')
    END;

-- "Net assets reflecting all investments at fair value", printed above the adjustment to contract
-- value: a total of the lines above it, never a line of its own.
CREATE OR REPLACE MACRO is_fair_value_net_assets(item, label) AS item = 'total:other' AND label ILIKE '%net assets%';

-- A Schedule H row naming participant loans, which statements since 2010 print as notes
-- receivable from participants rather than as an investment.
CREATE OR REPLACE MACRO names_participant_loans(label, issuer, description) AS
    concat_ws(' ', label, issuer, description) ILIKE '%participant%'
    AND (concat_ws(' ', label, issuer, description) ILIKE '%loan%'
         OR concat_ws(' ', label, issuer, description) ILIKE '%notes receivable%');

-- Every figure, with where it was printed.
CREATE OR REPLACE MACRO figures_known(k) AS TABLE
    SELECT notification_id, plan_id, filing_id, document, filing_year_end, filing_prior_year_end, known_at,
           type, section, as_of, amount, effect, label, kind, investment, issuer, description, approximate, attributes,
           line, text, column_label, unit, item,
           {'document': document, 'section': section, 'line': line, 'column': column_label,
            'text': text, 'amount': amount} AS source
    FROM events
    WHERE known_at <= k;

-- Each statement column's lines summed by kind, beside the totals printed under it, for the
-- filings whose lines lie between notification ids `first` and `last`: kept in `statement_sums`
-- as pages load (by the runner), so a footing check reads one row per column, not every line.
CREATE OR REPLACE MACRO statement_sums_between(first, last) AS TABLE
    SELECT plan_id, filing_id, any_value(document) AS document, known_at, section, as_of,
           min(notification_id) AS first_id, max(notification_id) AS last_id,
           sum(CASE WHEN type = 'HoldingReported' THEN amount END) AS holdings,
           sum(CASE WHEN type = 'HoldingReported' AND NOT (coalesce(label ILIKE '%loan%', false) OR coalesce(investment ILIKE '%loan%', false)) THEN amount END) AS holdings_without_loans,
           sum(CASE WHEN type = 'CashReported' THEN amount END) AS cash,
           sum(CASE WHEN type = 'ReceivableReported' THEN amount END) AS receivables,
           sum(CASE WHEN item = 'receivable:participant_loans' THEN amount END) AS loan_receivables,
           sum(CASE WHEN type = 'LiabilityReported' THEN amount END) AS liabilities,
           sum(CASE WHEN type = 'ValueAdjustmentReported' THEN amount END) AS adjustments,
           sum(CASE WHEN type = 'ContributionReceived' THEN amount END) AS contributions,
           sum(CASE WHEN type IN ('InterestAndDividends', 'NetAppreciation') THEN amount END) AS investment_income,
           sum(CASE WHEN type = 'OtherAddition' THEN amount END) AS other_additions,
           sum(CASE WHEN type = 'TransferIn' THEN amount END) AS transfers_in,
           sum(CASE WHEN type IN ('BenefitPaid', 'AdministrativeExpense', 'OtherDeduction') THEN amount END) AS deductions,
           sum(CASE WHEN type = 'TransferOut' THEN amount END) AS transfers_out,
           sum(effect) AS net_change,
           any_value(CASE WHEN item = 'total:total_investments' THEN amount END) AS printed_investments,
           any_value(CASE WHEN item = 'total:total_receivables' THEN amount END) AS printed_receivables,
           any_value(CASE WHEN item = 'total:total_assets' THEN amount END) AS printed_assets,
           any_value(CASE WHEN item = 'total:total_liabilities' THEN amount END) AS printed_liabilities,
           any_value(CASE WHEN is_fair_value_net_assets(item, label) THEN amount END) AS printed_fair_value_net_assets,
           any_value(CASE WHEN item = 'total:total_contributions' THEN amount END) AS printed_contributions,
           any_value(CASE WHEN item = 'total:total_investment_income' THEN amount END) AS printed_income,
           any_value(CASE WHEN item = 'total:total_additions' THEN amount END) AS printed_additions,
           any_value(CASE WHEN item = 'total:total_deductions' THEN amount END) AS printed_deductions,
           any_value(CASE WHEN item = 'total:net_change' THEN amount END) AS printed_net_change,
           any_value(CASE WHEN type = 'NetAssetsReported' THEN amount END) AS printed_net_assets,
           any_value(CASE WHEN type = 'NetAssetsReported' THEN notification_id END) AS net_assets_id
    FROM events
    WHERE notification_id BETWEEN first AND last AND section IN ('net_assets', 'changes') AND type <> 'StatementRead'
    GROUP BY plan_id, filing_id, known_at, section, as_of;

CREATE TABLE IF NOT EXISTS statement_sums AS SELECT * FROM statement_sums_between(1, 0);

CREATE OR REPLACE MACRO statement_sums_known(k) AS TABLE
    SELECT * FROM statement_sums WHERE known_at <= k;

CREATE OR REPLACE MACRO statement_lines_known(k) AS TABLE
    SELECT plan_id, document, filing_id, section, line, as_of AS column_date, column_label, item,
           type, label, amount, unit, text, known_at, notification_id
    FROM figures_known(k)
    WHERE section IN ('net_assets', 'changes', 'schedule_h_4i') AND type <> 'StatementRead';

CREATE OR REPLACE VIEW statement_lines AS SELECT * FROM statement_lines_known(DATE '9999-12-31');

-- Net assets per year end: as last and first reported, and replayed from the prior year end
-- (as last reported) plus the year's flows (from the latest filing that reports them).
CREATE OR REPLACE MACRO net_assets_known(k) AS TABLE
    WITH reported AS (
        SELECT plan_id, as_of,
               arg_max(amount, recency(known_at, notification_id, section = 'net_assets')) AS reported_last,
               arg_min(amount, recency(known_at, notification_id, section <> 'net_assets')) AS reported_first,
               arg_max(document, recency(known_at, notification_id, section = 'net_assets')) AS reported_in,
               arg_max(line, recency(known_at, notification_id, section = 'net_assets')) AS reported_line
        FROM figures_known(k)
        WHERE type = 'NetAssetsReported'
        GROUP BY plan_id, as_of
    ), lagged AS (
        SELECT *, lag(as_of) OVER w AS previous_year_end, lag(reported_last) OVER w AS previous_reported
        FROM reported
        WINDOW w AS (PARTITION BY plan_id ORDER BY as_of)
    ), flow_filing AS (
        SELECT plan_id, as_of, arg_max(filing_id, recency(known_at, notification_id)) AS filing_id
        FROM figures_known(k)
        WHERE effect IS NOT NULL AND section = 'changes'
        GROUP BY plan_id, as_of
    ), flows AS (
        SELECT e.plan_id, e.as_of, any_value(e.document) AS flows_in,
               any_value(e.filing_prior_year_end) AS prior_year_end,
               coalesce(sum(e.amount) FILTER (e.type = 'ContributionReceived' AND e.kind = 'participant'), 0) AS contributions_participant,
               coalesce(sum(e.amount) FILTER (e.type = 'ContributionReceived' AND e.kind = 'employer'), 0) AS contributions_employer,
               coalesce(sum(e.amount) FILTER (e.type = 'ContributionReceived' AND e.kind = 'rollover'), 0) AS contributions_rollover,
               coalesce(sum(e.amount) FILTER (e.type = 'ContributionReceived' AND e.kind NOT IN ('participant', 'employer', 'rollover')), 0) AS contributions_other,
               coalesce(sum(e.amount) FILTER (e.type = 'InterestAndDividends'), 0) AS interest_and_dividends,
               coalesce(sum(e.amount) FILTER (e.type = 'NetAppreciation'), 0) AS net_appreciation,
               coalesce(sum(e.amount) FILTER (e.type IN ('OtherAddition', 'TransferIn')), 0) AS other_additions,
               coalesce(sum(e.amount) FILTER (e.type = 'BenefitPaid'), 0) AS benefits_paid,
               coalesce(sum(e.amount) FILTER (e.type IN ('AdministrativeExpense', 'OtherDeduction', 'TransferOut')), 0) AS other_deductions,
               sum(e.effect) AS net_change
        FROM figures_known(k) e
        JOIN flow_filing USING (plan_id, as_of, filing_id)
        WHERE e.effect IS NOT NULL AND e.section = 'changes'
        GROUP BY e.plan_id, e.as_of
    ), joined AS (
        SELECT coalesce(r.plan_id, fl.plan_id) AS plan_id, coalesce(r.as_of, fl.as_of) AS year_end,
               r.reported_last, r.reported_first, r.reported_in, r.reported_line,
               CASE WHEN fl.plan_id IS NOT NULL
                    THEN coalesce(o.reported_last, CASE WHEN fl.prior_year_end IS NULL THEN r.previous_reported END)
               END AS opening,
               fl.* EXCLUDE (plan_id, as_of, prior_year_end)
        FROM lagged r
        FULL JOIN flows fl ON fl.plan_id = r.plan_id AND fl.as_of = r.as_of
        LEFT JOIN reported o ON o.plan_id = fl.plan_id AND o.as_of = fl.prior_year_end
    )
    SELECT plan_id, year_end, reported_last, reported_first, opening,
           contributions_participant, contributions_employer, contributions_rollover, contributions_other,
           interest_and_dividends, net_appreciation, other_additions, benefits_paid, other_deductions,
           net_change, opening + net_change AS replayed, reported_last - (opening + net_change) AS difference,
           reported_in, reported_line, flows_in
    FROM joined;

CREATE OR REPLACE VIEW net_assets AS SELECT * FROM net_assets_known(DATE '9999-12-31');

-- Each investment at each year end, linked across years by its `investment` key.
CREATE OR REPLACE MACRO holdings_known(k) AS TABLE
    SELECT plan_id, investment, as_of AS year_end,
           arg_max(coalesce(nullif(label, ''), issuer), (section = 'net_assets', known_at, notification_id)) AS name,
           arg_max(attributes ->> 'category', (section = 'net_assets', known_at, notification_id)) AS category,
           arg_max(amount, recency(known_at, notification_id)) FILTER (section = 'net_assets') AS value,
           arg_min(amount, recency(known_at, notification_id)) FILTER (section = 'net_assets') AS value_first_reported,
           arg_max(amount, recency(known_at, notification_id)) FILTER (section = 'schedule_h_4i') AS schedule_h_value,
           arg_max(TRY_CAST(attributes ->> 'shares' AS DECIMAL(18, 4)), recency(known_at, notification_id)) AS shares,
           arg_max(TRY_CAST(attributes ->> 'cost' AS DECIMAL(18, 2)), recency(known_at, notification_id)) AS cost,
           bool_or(coalesce(TRY_CAST(attributes ->> 'party_in_interest' AS BOOLEAN), false)) AS party_in_interest,
           list(DISTINCT document ORDER BY document) AS filings
    FROM figures_known(k)
    WHERE type = 'HoldingReported'
    GROUP BY plan_id, investment, as_of;

CREATE OR REPLACE VIEW holdings AS SELECT * FROM holdings_known(DATE '9999-12-31');

-- The forfeiture account over the years: balance at start - used + newly forfeited = balance at end.
CREATE OR REPLACE MACRO forfeitures_known(k) AS TABLE
    WITH balances AS (
        SELECT plan_id, as_of,
               arg_max(amount, recency(known_at, notification_id)) AS balance,
               arg_max(approximate, recency(known_at, notification_id)) AS balance_approximate,
               arg_max(document || ':' || line, recency(known_at, notification_id)) AS balance_source
        FROM figures_known(k) WHERE type = 'ForfeitureBalanceReported'
        GROUP BY plan_id, as_of
    ), used AS (
        SELECT plan_id, as_of,
               arg_max(amount, preference) AS used,
               arg_max(approximate, preference) AS used_approximate,
               arg_max(kind, preference) AS use,
               arg_max(document || ':' || line, preference) AS used_source
        FROM (
            -- one figure may be printed twice (note B and note G): the latest, most precise wins
            SELECT *, (known_at, NOT coalesce(approximate, false),
                       length(rtrim(CAST(CAST(amount AS BIGINT) AS VARCHAR), '0')) - length(CAST(CAST(amount AS BIGINT) AS VARCHAR)),
                       notification_id) AS preference
            FROM figures_known(k) WHERE type = 'ForfeituresReallocated'
        )
        GROUP BY plan_id, as_of
    ), joined AS (
        SELECT coalesce(b.plan_id, u.plan_id) AS plan_id, coalesce(b.as_of, u.as_of) AS year_end,
               b.balance, b.balance_approximate, u.used, u.used_approximate, u.use, b.balance_source, u.used_source
        FROM balances b FULL JOIN used u ON u.plan_id = b.plan_id AND u.as_of = b.as_of
    )
    SELECT plan_id, year_end,
           lag(balance) OVER w AS opening, lag(balance_approximate) OVER w AS opening_approximate,
           used, used_approximate, use, balance AS closing, balance_approximate AS closing_approximate,
           balance - lag(balance) OVER w + coalesce(used, 0) AS implied_newly_forfeited,
           lag(balance_source) OVER w AS opening_source, used_source, balance_source AS closing_source
    FROM joined
    WINDOW w AS (PARTITION BY plan_id ORDER BY year_end);

CREATE OR REPLACE VIEW forfeitures AS SELECT * FROM forfeitures_known(DATE '9999-12-31');

-- The notes on participant loans at each year end they give, with the line they are stated on.
CREATE OR REPLACE MACRO loan_notes_known(k) AS TABLE
    SELECT plan_id, as_of,
           arg_max(amount, recency(known_at, notification_id)) AS notes_balance,
           arg_max(TRY_CAST(attributes ->> 'count' AS INTEGER), recency(known_at, notification_id)) AS loan_count,
           arg_max(TRY_CAST(attributes ->> 'rate_low' AS DECIMAL(9, 4)), recency(known_at, notification_id)) AS rate_low,
           arg_max(TRY_CAST(attributes ->> 'rate_high' AS DECIMAL(9, 4)), recency(known_at, notification_id)) AS rate_high,
           arg_max(TRY_CAST(attributes ->> 'new_loans_allowed' AS BOOLEAN), recency(known_at, notification_id)) AS new_loans_allowed,
           arg_max(notification_id, recency(known_at, notification_id)) AS notes_id,
           arg_max(source, recency(known_at, notification_id)) AS notes_source
    FROM figures_known(k) WHERE type = 'ParticipantLoansReported'
    GROUP BY plan_id, as_of;

-- Participant loans per year end: what the notes say, and what the statements hold.
CREATE OR REPLACE MACRO loans_known(k) AS TABLE
    WITH notes AS (
        SELECT * FROM loan_notes_known(k)
    ), held AS (
        SELECT plan_id, as_of,
               arg_max(amount, recency(known_at, notification_id)) FILTER (section = 'net_assets') AS statement_balance,
               arg_max(amount, recency(known_at, notification_id)) FILTER (section = 'schedule_h_4i') AS schedule_h_balance,
               arg_max(source, recency(known_at, notification_id)) FILTER (section = 'net_assets') AS statement_source,
               arg_max(unit, recency(known_at, notification_id)) FILTER (section = 'net_assets') AS statement_unit
        FROM figures_known(k)
        WHERE type = 'HoldingReported' AND (coalesce(label, '') || ' ' || coalesce(investment, '') || ' ' || coalesce(issuer, '')) ILIKE '%loan%'
           OR item = 'receivable:participant_loans'
        GROUP BY plan_id, as_of
    )
    SELECT coalesce(n.plan_id, h.plan_id) AS plan_id, coalesce(n.as_of, h.as_of) AS year_end,
           n.notes_balance, n.loan_count, n.rate_low, n.rate_high, n.new_loans_allowed,
           h.statement_balance, h.schedule_h_balance, n.notes_source, h.statement_source, h.statement_unit
    FROM notes n FULL JOIN held h ON h.plan_id = n.plan_id AND h.as_of = n.as_of;

CREATE OR REPLACE VIEW loans AS SELECT * FROM loans_known(DATE '9999-12-31');


-- How the reader read each statement column (one StatementRead per column): every figure of the
-- column rests on it, so a finding resting on an unsure reading may be the reader's, not the filing's.
CREATE OR REPLACE MACRO readings_known(k) AS TABLE
    SELECT plan_id, filing_id, document, attributes ->> 'statement' AS statement,
           attributes ->> 'column' AS column_label, as_of AS column_date,
           attributes ->> 'reading' AS reading,
           CAST(attributes ->> 'totals' AS INTEGER) AS totals,
           CAST(attributes ->> 'failing' AS INTEGER) AS failing,
           CAST(attributes ->> 'alternatives' AS INTEGER) AS alternatives,
           CAST(attributes -> 'unplaced' AS VARCHAR[]) AS unplaced,
           reading = 'chosen' OR len(unplaced) > 0 AS unsure,
           line, text, known_at
    FROM events
    WHERE type = 'StatementRead' AND known_at <= k;

CREATE OR REPLACE VIEW readings AS SELECT * FROM readings_known(DATE '9999-12-31');