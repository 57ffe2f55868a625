/*---
title: {nl: Na 12 maanden nog aan het werk, en: Still working after 12 months}
description:
  nl: >-
    Van de plaatsingen waarvan bekend is of de persoon twaalf maanden later nog werkt, het
    aandeel dat nog werkt, per maand van plaatsing. Plaatsingen van het afgelopen jaar zijn nog
    niet te beoordelen en tellen (nog) niet mee.
  en: >-
    Of the placements for which it is known whether the person still works twelve months later,
    the share still working, by month of placement. Placements of the past year cannot be judged
    yet and do not count (yet).
kind: outcome
programme: werk
measure: ratio
unit: '%'
direction: up
sources: [placements]
drivers: [plaatsingen_vanuit_bijstand, proefplaatsingen]
---*/

-- employed_12m stays null until twelve months have passed: those placements are left out of
-- the denominator, because counting them as "not working" would sink every recent month.
WITH observed AS (
    SELECT
        date_trunc('month', placed_on)::DATE AS month,
        wijk_code,
        employed_12m
    FROM placements
    WHERE employed_12m IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*) FILTER (WHERE employed_12m)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM observed
GROUP BY month, wijk_code
