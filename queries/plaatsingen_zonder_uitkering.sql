/*---
title: {nl: Plaatsingen zonder uitkering, en: Placements without a benefit}
description:
  nl: >-
    Eenheid: plaatsing (een persoon die twee keer geplaatst wordt telt twee keer). Telt de
    plaatsingen in betaald werk van werkzoekenden zonder bijstandsuitkering (bijvoorbeeld via
    HalloWerk), in de maand van de eerste werkdag, in de wijk van de persoon bij plaatsing. Geen
    noemer. Niet geteld: plaatsingen vanuit de bijstand (die telt plaatsingen_vanuit_bijstand).
  en: >-
    Unit: placement (a person placed twice counts twice). Counts the placements in paid work of
    jobseekers without social assistance (for example through HalloWerk), in the month of the
    first working day, in the person's wijk at placement. No denominator. Not counted:
    placements from social assistance (plaatsingen_vanuit_bijstand counts those).
basis:
  nl: "Werkprogramma van de gemeente: ook werkzoekenden zonder uitkering (niet-uitkeringsgerechtigden)"
  en: "The municipality's work programme: jobseekers without a benefit too"
kind: outcome
programme: werk
measure: count
unit: plaatsingen
direction: up
sources: [placements]
drivers: [matches, platform_profielen]
---*/

-- The complement of plaatsingen_vanuit_bijstand: together they are all placements.
WITH placed AS (
    SELECT
        date_trunc('month', placed_on)::DATE AS month,
        wijk_code
    FROM placements
    WHERE NOT from_benefit
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM placed
GROUP BY month, wijk_code
