/*---
description:
  nl: >-
    De trechter van de schuldenaanpak als groep (cohort): één rij per huishouden per maand waarin het een
    vroegsignaal kreeg, met de wijk van het eerste signaal van die maand en per stap of het huishouden
    die stap binnen 24 maanden na de signaalmaand bereikte (bereikt, aangemeld, schuldregeling
    gestart, schuldenvrij). Elke stap vraagt de stap ervoor. Huishoudens met een lopend schuldhulptraject
    op de signaaldatum en maanden waarvan de 24 maanden nog niet voorbij zijn, zitten er niet in.
  en: >-
    The debt programme's funnel as a cohort: one row per household per month in which it had an early
    signal, with the wijk of that month's first signal and, per step, whether the household reached it
    within 24 months after the signal month (reached, registered, settlement started, debt-free). Each
    step requires the one before. Households with an open debt case on the signal date, and months
    whose 24 months have not passed yet, are left out.
sources: [early_signals, debt_cases]
materialized: view
---*/

-- Why a cohort: the funnel must follow the same households from step to step. Counting each step in
-- its own month (signals this year, settlements this year) compares different people and can show
-- more settlements ending debt-free than started. Here every step is a subset of the step before,
-- in the same cell (signal month x wijk), so no roll-up can put a step above the one before it.

-- The window: a household counts for a step when the step happened on or after its signal and by
-- the last day of the 24th month after the signal month (a settlement takes 18 months since July
-- 2023, and registration and the start of a settlement take about half a year).
WITH settings AS (
    SELECT 24 AS window_months
),

-- The last month the data cover to its last day: the newest date in each extract (over all its
-- date columns, as the build report's period does), the earlier of the two extracts.
coverage AS (
    SELECT
        (date_trunc('month', least(
            (SELECT greatest(max(received_on), max(contacted_on)) FROM early_signals),
            (SELECT greatest(max(registered_on), max(first_interview_on), max(started_on), max(ended_on))
             FROM debt_cases)
        ) + INTERVAL 1 DAY) - INTERVAL 1 MONTH)::DATE AS last_full_month
),

-- One row per household and signal month: a household signalled twice in a month counts once,
-- in the wijk of its first signal that month. Reached: any of those signals was answered
-- ('bereikt') or refused ('geweigerd': the household was reached and said no). Only signals
-- before the first month whose window has not passed are grouped (`observable` leaves the later
-- months out; grouping them first only cost time).
cohort AS (
    SELECT
        household_id,
        date_trunc('month', received_on)::DATE AS cohort_month,
        min(received_on) AS signal_on,
        arg_min(wijk_code, received_on) AS wijk_code,
        min(contacted_on) FILTER (WHERE contact_result IN ('bereikt', 'geweigerd')) AS reached_on
    FROM early_signals
    WHERE received_on < (SELECT last_full_month - to_months(window_months - 1) FROM coverage, settings)
    GROUP BY household_id, date_trunc('month', received_on)
),

-- The window's last day, and only cohorts whose window has fully passed: a recent cohort has not
-- had its 24 months yet and would read too low (not observable yet: no row, not a zero).
observable AS (
    SELECT
        c.*,
        (c.cohort_month + to_months(s.window_months + 1) - INTERVAL 1 DAY)::DATE AS window_end
    FROM cohort AS c, settings AS s, coverage AS v
    WHERE c.cohort_month + to_months(s.window_months) <= v.last_full_month
),

-- Every debt case of a cohort row's household that bears on it, found by one join: a case open
-- on the signal date (registered before it, not ended before it), or one registered from the
-- signal date to the window's last day.
-- Households already in debt help on the signal date are not the early-warning target group:
-- left out of the cohort below (the early-warning indicators report them separately).
-- How far a case registered in the window got in it: a settlement is an amicable settlement
-- (schuldbemiddeling, saneringskrediet) or the statutory route (wsnp); stabilisation and budget
-- management are help, not a settlement.
cases AS (
    SELECT
        o.household_id,
        o.cohort_month,
        bool_or(d.registered_on < o.signal_on) AS in_help,
        bool_or(d.registered_on >= o.signal_on) AS registered,
        bool_or(coalesce(
            d.registered_on >= o.signal_on
            AND d.route IN ('schuldbemiddeling', 'saneringskrediet', 'wsnp')
            AND d.started_on <= o.window_end, false)) AS settled,
        bool_or(coalesce(
            d.registered_on >= o.signal_on
            AND d.route IN ('schuldbemiddeling', 'saneringskrediet', 'wsnp')
            AND d.started_on <= o.window_end
            AND d.end_reason = 'schuldenvrij'
            AND d.ended_on <= o.window_end, false)) AS debt_free
    FROM observable AS o
    JOIN debt_cases AS d
        ON d.household_id = o.household_id
       AND d.registered_on <= o.window_end
       AND (d.registered_on >= o.signal_on OR d.ended_on IS NULL OR d.ended_on >= o.signal_on)
    GROUP BY o.household_id, o.cohort_month
)

-- Each step requires the one before: the nesting is what makes the funnel a funnel.
SELECT
    o.household_id,
    o.cohort_month,
    o.wijk_code,
    o.signal_on,
    o.window_end,
    s.window_months,
    coalesce(o.reached_on <= o.window_end, false) AS reached,
    coalesce(o.reached_on <= o.window_end AND c.registered, false) AS registered,
    coalesce(o.reached_on <= o.window_end AND c.registered AND c.settled, false) AS settled,
    coalesce(o.reached_on <= o.window_end AND c.registered AND c.settled AND c.debt_free, false) AS debt_free
FROM observable AS o
CROSS JOIN settings AS s
LEFT JOIN cases AS c
    ON c.household_id = o.household_id AND c.cohort_month = o.cohort_month
WHERE NOT coalesce(c.in_help, false)
