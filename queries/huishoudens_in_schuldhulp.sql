/*---
title: {nl: Huishoudens in schuldhulp, en: Households in debt help}
description:
  nl: >-
    Eenheid: huishouden. Stand op de laatste dag van de maand: de huishoudens met een lopend
    schuldhulptraject (aangemeld op of voor die dag, niet beëindigd vóór die dag; een traject dat
    op de laatste dag eindigt telt nog mee). Elke route telt mee, ook de Wsnp. Een huishouden
    met twee lopende trajecten telt één keer. Geen noemer. De reeks begint in de eerste maand
    waarin het bestand beëindigde trajecten bevat; daarvoor ontbreken de trajecten die al waren
    beëindigd en zou de stand te laag zijn.
  en: >-
    Unit: household. Level on the last day of the month: the households with a running debt-help
    case (registered on or before that day, not ended before it; a case ending on the last day
    still counts). Every route counts, the Wsnp included. A household with two running cases
    counts once. No denominator. The series starts in the first month in which the extract
    holds ended cases; before that the cases already ended are missing and the level would read
    too low.
basis:
  nl: "Wgs art. 1 (schuldhulpverlening); de peildag (laatste dag van de maand) is een keuze van deze monitor"
  en: "Wgs art. 1 (debt help); the reference day (last day of the month) is this monitor's choice"
kind: context
programme: schulden
measure: stock
unit: huishoudens
direction: none
peer: problematische_schulden  # compared across municipalities (queries/population.yaml)
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

-- Running on the last day: registered by then and not ended before it (ended_on is the last
-- day of help, so a case ending on the month's last day was still running that day).
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
       AND (c.ended_on IS NULL OR c.ended_on >= m.month_end)
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
