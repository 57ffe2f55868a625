/*---
title: {nl: Huishoudens in schuldhulp, en: Households in debt help}
description:
  nl: >-
    Aantal huishoudens met een lopende schuldhulpzaak aan het eind van de maand; een huishouden
    met twee lopende zaken telt één keer. De reeks begint in de eerste maand waarin het bestand
    afgesloten zaken bevat; daarvoor ontbreken de zaken die al waren afgesloten en zou de stand
    te laag zijn.
  en: >-
    Number of households with an open debt-help case at the end of the month; a household with
    two open cases counts once. The series starts in the first month in which the extract holds
    closed cases; before that the cases already closed are missing and the level would read too
    low.
kind: context
programme: schulden
measure: stock
unit: huishoudens
direction: none
sources: [debt_cases]
---*/

-- The extract lists the cases open when it starts plus every later one, so the level is
-- only complete from the first month with a recorded end; it runs to the last month in the data.
WITH coverage AS (
    SELECT
        date_trunc('month', min(ended_on))::DATE AS first_month,
        date_trunc('month', greatest(max(registered_on), max(ended_on)))::DATE AS last_month
    FROM debt_cases
),

-- A month spine: a wijk with no open case reads 0, not a gap.
months AS (
    SELECT
        month::DATE AS month,
        last_day(month::DATE) AS month_end
    FROM coverage, generate_series(first_month, last_month, INTERVAL 1 MONTH) AS spine(month)
),

wijken AS (
    SELECT DISTINCT wijk_code FROM debt_cases
),

-- Open at the month end: registered by then and not closed in or before that month.
-- Households re-register while an older case is still open, so count households, not cases:
-- that needs the join of months to cases (a running sum of cases would count them twice).
open_cases AS (
    SELECT
        m.month,
        c.wijk_code,
        count(DISTINCT c.household_id) AS households
    FROM months AS m
    INNER JOIN debt_cases AS c
        ON c.registered_on <= m.month_end
       AND (c.ended_on IS NULL OR c.ended_on > m.month_end)
    GROUP BY m.month, c.wijk_code
)

SELECT
    m.month,
    w.wijk_code,
    coalesce(o.households, 0)::DOUBLE AS value
FROM months AS m
CROSS JOIN wijken AS w
LEFT JOIN open_cases AS o
    ON o.month = m.month AND o.wijk_code = w.wijk_code
