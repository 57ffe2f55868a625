/*---
title: {nl: Schuldenvrij na aanmelding (cohort), en: Debt-free after registration (cohort)}
description:
  nl: >-
    Eenheid: aanmelding (schuldhulptraject). Van de aanmeldingen in een maand (de maandgroep), het
    aandeel waarvan het traject binnen n maanden schuldenvrij eindigde (n = 0, 3, 6, ... 36; elke
    route, ook de Wsnp, zoals in alle schuldindicatoren). Noemer: alle aanmeldingen van de maand.
    Een cel verschijnt pas als de hele maandgroep n maanden gevolgd kon worden, zodat recente
    groepen niet te laag uitvallen. Niet geteld: aanmeldingen van vóór de eerste maand met een
    beëindigd traject (die staan alleen in het bestand als ze toen nog liepen).
  en: >-
    Unit: request (debt-help case). Of the requests in a month (the month's group), the share
    whose case ended debt-free within n months (n = 0, 3, 6, ... 36; every route, the Wsnp
    included, as in every debt indicator). Denominator: all requests of the month. A cell only
    appears once the whole month's group could be followed for n months, so recent groups do
    not read too low. Not counted: requests from before the first month with an ended case
    (they are only in the extract when they were still running then).
basis:
  nl: "Wgs art. 1 (schuldhulpverlening); Wsnp: Faillissementswet titel III"
  en: "Wgs art. 1 (debt help); Wsnp: Faillissementswet title III"
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
