/*---
title: {nl: Schuldenvrij na aanmelding (cohort), en: Debt-free after registration (cohort)}
description:
  nl: >-
    Van de huishoudens die zich in een maand aanmeldden, het aandeel dat binnen n maanden
    schuldenvrij was (n = 0, 3, 6, ... 36). Een cel verschijnt pas als de hele maandgroep n
    maanden gevolgd kon worden, zodat recente groepen niet te laag uitvallen.
  en: >-
    Of the households that registered in a month, the share that was debt-free within n months
    (n = 0, 3, 6, ... 36). A cell only appears once the whole month's group could be followed
    for n months, so recent groups do not read too low.
kind: outcome
programme: schulden
measure: ratio
unit: '%'
direction: up
shape: cohort
sources: [debt_cases]
drivers: [schuldhulp_aanmeldingen, schuldregelingen_gestart]
---*/

-- Cohorts start with the first month that has a recorded end: earlier registrations are only
-- in the extract when they were still open at its start, which would flatter those cohorts.
-- The last month counts only when the data cover it to its last day.
WITH coverage AS (
    SELECT
        date_trunc('month', min(ended_on))::DATE AS first_month,
        (date_trunc('month', greatest(max(registered_on), max(ended_on)) + INTERVAL 1 DAY)
            - INTERVAL 1 MONTH)::DATE AS last_full_month
    FROM debt_cases
),

-- months_to_debt_free: whole calendar months from the registration month to the month the case
-- closed debt-free (0 = the same month); null for every other case.
cases AS (
    SELECT
        date_trunc('month', c.registered_on)::DATE AS cohort_month,
        c.wijk_code,
        CASE WHEN c.end_reason = 'schuldenvrij'
            THEN datediff('month', date_trunc('month', c.registered_on), date_trunc('month', c.ended_on))
        END AS months_to_debt_free
    FROM debt_cases AS c, coverage
    WHERE c.registered_on >= coverage.first_month
),

steps AS (
    SELECT unnest(range(0, 37, 3)) AS months_since
)

-- Keep a cell only when month cohort_month + n is complete: then nobody in the cohort can
-- still turn debt-free within n months, and the share is final.
SELECT
    cases.cohort_month,
    steps.months_since,
    cases.wijk_code,
    count(*) FILTER (WHERE cases.months_to_debt_free <= steps.months_since)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM cases
CROSS JOIN steps
CROSS JOIN coverage
WHERE cases.cohort_month + to_months(steps.months_since) <= coverage.last_full_month
GROUP BY cases.cohort_month, steps.months_since, cases.wijk_code
