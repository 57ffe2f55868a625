/*---
title: {nl: Na 12 maanden nog aan het werk, en: Still working after 12 months}
description:
  nl: >-
    Van de plaatsingen van twaalf maanden eerder het aandeel waarvan de persoon nog werkt, per
    maand waarin die twaalf maanden om zijn (de maand van meten). Zo is het cijfer even actueel
    als de andere: de maand van meten ligt nooit na de laatste gegevensmaand.
  en: >-
    Of the placements of twelve months earlier, the share whose person still works, by the month
    in which the twelve months are complete (the month of measurement). That keeps the figure as
    current as the others: the month of measurement never lies after the latest data month.
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
-- Counted in the month the twelve months are complete, not the month of placement, so the
-- latest value is about last year's placements and the scorecard is not a year behind.
WITH observed AS (
    SELECT
        date_trunc('month', placed_on + INTERVAL 12 MONTH)::DATE AS month,
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
