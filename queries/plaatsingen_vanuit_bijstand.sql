/*---
title: {nl: Plaatsingen vanuit de bijstand, en: Placements from social assistance}
description:
  nl: >-
    Aantal plaatsingen in werk van personen die een bijstandsuitkering hadden, per maand van de
    eerste werkdag.
  en: >-
    Number of placements in work of people who were on social assistance, by month of the first
    working day.
kind: outcome
programme: werk
measure: count
unit: plaatsingen
direction: up
sources: [placements]
drivers: [matches, proefplaatsingen, werk_gesprekken]
---*/

-- from_benefit separates the programme's two audiences: people leaving social assistance
-- (this indicator) and jobseekers without a benefit (plaatsingen_zonder_uitkering).
WITH placed AS (
    SELECT
        date_trunc('month', placed_on)::DATE AS month,
        wijk_code
    FROM placements
    WHERE from_benefit
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM placed
GROUP BY month, wijk_code
