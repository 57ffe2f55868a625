/*---
title: {nl: Schuldregelingen gestart, en: Debt settlements started}
description:
  nl: >-
    Aantal gestarte schuldregelingen (schuldbemiddeling of saneringskrediet), per maand van
    start. Stabilisatie, budgetbeheer en WSNP tellen niet mee.
  en: >-
    Number of debt settlements started (debt mediation or a consolidation loan), by month of
    start. Stabilisation, budget management and WSNP do not count.
kind: output
programme: schulden
measure: count
unit: huishoudens
direction: up
sources: [debt_cases]
---*/

-- Only the two amicable settlement routes: they are the ones that can end debt-free
-- within the programme's 18 months; the court route (wsnp) is outside the municipality's hands.
WITH settlements AS (
    SELECT
        date_trunc('month', started_on)::DATE AS month,
        wijk_code
    FROM debt_cases
    WHERE route IN ('schuldbemiddeling', 'saneringskrediet')
      AND started_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM settlements
GROUP BY month, wijk_code
