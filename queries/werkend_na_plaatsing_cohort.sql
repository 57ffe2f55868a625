/*---
title: {nl: Aan het werk na plaatsing (cohort), en: Working after placement (cohort)}
description:
  nl: >-
    Eenheid: plaatsing. Van de plaatsingen in een maand (de maandgroep), het aandeel waarvan de
    persoon na 0, 6 en 12 maanden betaald werk had, bij welke werkgever ook (employed_6m,
    employed_12m uit de polisadministratie; na 0 maanden werkt iedereen). Noemer: de plaatsingen
    waarvan de uitkomst bekend is. Een cel verschijnt pas als de hele maandgroep zo lang gevolgd
    kon worden. Niet geteld: plaatsingen die niet te volgen waren (uitkomst leeg).
  en: >-
    Unit: placement. Of the placements in a month (the month's group), the share whose person had
    paid work after 0, 6 and 12 months, with any employer (employed_6m, employed_12m from the
    wage administration; at 0 months everyone works). Denominator: the placements whose outcome
    is known. A cell only appears once the whole month's group could be followed that long. Not
    counted: placements that could not be traced (outcome empty).
basis:
  nl: "Participatiewet (arbeidsinschakeling); werk volgens de polisadministratie (UWV), bij elke werkgever"
  en: "Participatiewet (getting people into work); work according to the wage administration (UWV polisadministratie), any employer"
kind: outcome
programme: werk
measure: ratio
unit: '%'
direction: up
shape: cohort
sources: [placements]
drivers: [matches, proefplaatsingen]
---*/

-- The last month counts only when the data cover it to its last day.
WITH coverage AS (
    SELECT
        (date_trunc('month', max(placed_on) + INTERVAL 1 DAY) - INTERVAL 1 MONTH)::DATE AS last_full_month
    FROM placements
),

-- The extract follows each placement up at 6 and 12 months; at 0 months everyone placed works.
steps AS (
    SELECT * FROM (VALUES (0), (6), (12)) AS t(months_since)
),

followed AS (
    SELECT
        date_trunc('month', p.placed_on)::DATE AS cohort_month,
        steps.months_since,
        p.wijk_code,
        CASE steps.months_since
            WHEN 0 THEN true
            WHEN 6 THEN p.employed_6m
            ELSE p.employed_12m
        END AS working
    FROM placements AS p
    CROSS JOIN steps
)

-- A cell only once month cohort_month + n is complete: then every follow-up in it is known.
-- count(working) leaves out a follow-up that is still missing, rather than count it as not working.
SELECT
    f.cohort_month,
    f.months_since,
    f.wijk_code,
    count(*) FILTER (WHERE f.working)::DOUBLE AS value,
    count(f.working)::DOUBLE AS denominator
FROM followed AS f
CROSS JOIN coverage
WHERE f.cohort_month + to_months(f.months_since) <= coverage.last_full_month
GROUP BY f.cohort_month, f.months_since, f.wijk_code
HAVING count(f.working) > 0
