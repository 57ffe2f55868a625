/*---
title: {nl: Plaatsingen zonder uitkering, en: Placements without a benefit}
description:
  nl: >-
    Aantal plaatsingen in werk van werkzoekenden zonder bijstandsuitkering (bijvoorbeeld via het
    werkplatform), per maand van de eerste werkdag.
  en: >-
    Number of placements in work of jobseekers without social assistance (for example through
    the work platform), by month of the first working day.
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
