/*---
title: {nl: Na 12 maanden nog aan het werk, en: Still working after 12 months}
description:
  nl: >-
    Eenheid: plaatsing. Van de plaatsingen in werk van maand M het aandeel waarvan de persoon 12
    maanden na de eerste werkdag betaald werk had, bij welke werkgever ook (employed_12m, uit de
    polisadministratie), geteld in maand M+12 (de maand van meten: zo is het cijfer even actueel
    als de andere). Noemer: de plaatsingen waarvan de uitkomst bekend is. Niet geteld: plaatsingen
    waarvan de twaalf maanden nog niet voorbij zijn, en plaatsingen die niet te volgen waren
    (uitkomst leeg terwijl de twaalf maanden voorbij zijn). Hoeveel dat er zijn, is de som van
    plaatsingen_vanuit_bijstand en plaatsingen_zonder_uitkering twaalf maanden eerder min deze
    noemer; de monitor publiceert dat aantal niet als eigen reeks, omdat het zo uit drie
    gepubliceerde cijfers volgt en een klein aantal dan alleen te verbergen is door deze uitkomst
    zelf te verbergen (docs/disclosure.md).
  en: >-
    Unit: placement. Of the placements in work of month M, the share whose person had paid work 12
    months after the first working day, with any employer (employed_12m, from the wage
    administration), counted in month M+12 (the month of measurement: that keeps the figure as
    current as the others). Denominator: the placements whose outcome is known. Not counted:
    placements whose twelve months are not over yet, and placements that could not be traced
    (outcome empty although the twelve months are over). How many those are is the sum of
    plaatsingen_vanuit_bijstand and plaatsingen_zonder_uitkering twelve months earlier minus this
    denominator; the monitor does not publish that number as a series of its own, because it
    follows from three published figures that way, and a small one could only be hidden by
    hiding this outcome itself (docs/disclosure.md).
basis:
  nl: "Participatiewet (arbeidsinschakeling); werk volgens de polisadministratie (UWV), bij elke werkgever"
  en: "Participatiewet (getting people into work); work according to the wage administration (UWV polisadministratie), any employer"
kind: outcome
programme: werk
measure: ratio
unit: '%'
direction: up
sources: [placements]
drivers: [plaatsingen_vanuit_bijstand, proefplaatsingen]
---*/

-- employed_12m is null while not yet observable and when the person could not be traced: both
-- are left out of the denominator (counting them as "not working" would sink every recent
-- month); the untraceable ones are all placements twelve months earlier minus this denominator.
-- Counted in the month the twelve months are complete, not the month of placement, so the
-- latest value is about last year's placements and the scorecard is not a year behind.
-- Only months M+12 the data cover to their last day: in the data's last, unfinished month the
-- placements of M whose twelve months end after the data end are still null, and the month
-- would stand on the early placements only (not yet observable: no row, not a partial share).
WITH coverage AS (
    SELECT
        (date_trunc('month', max(placed_on) + INTERVAL 1 DAY) - INTERVAL 1 MONTH)::DATE AS last_full_month
    FROM placements
),

observed AS (
    SELECT
        (date_trunc('month', p.placed_on) + INTERVAL 12 MONTH)::DATE AS month,
        p.wijk_code,
        p.employed_12m
    FROM placements AS p
    CROSS JOIN coverage
    WHERE p.employed_12m IS NOT NULL
      AND (date_trunc('month', p.placed_on) + INTERVAL 12 MONTH)::DATE <= coverage.last_full_month
)

SELECT
    month,
    wijk_code,
    count(*) FILTER (WHERE employed_12m)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM observed
GROUP BY month, wijk_code
