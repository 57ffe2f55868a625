/*---
title: {nl: Schuldenvrij na een schuldregeling, en: Debt-free after a settlement}
description:
  nl: >-
    Van de afgesloten schuldregelingen (schuldbemiddeling of saneringskrediet) het aandeel dat
    schuldenvrij eindigde, per maand van afsluiting.
  en: >-
    Of the debt settlements closed (debt mediation or a consolidation loan), the share that
    ended debt-free, by month of closing.
kind: outcome
programme: schulden
measure: ratio
unit: '%'
direction: up
sources: [debt_cases]
drivers: [schuldregelingen_gestart, dagen_tot_eerste_gesprek]
---*/

-- Only closed settlements are in the denominator: an open one has no result yet, and
-- counting it as "not debt-free" would make every recent month look worse.
WITH closed_settlements AS (
    SELECT
        date_trunc('month', ended_on)::DATE AS month,
        wijk_code,
        end_reason = 'schuldenvrij' AS debt_free
    FROM debt_cases
    WHERE route IN ('schuldbemiddeling', 'saneringskrediet')
      AND ended_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*) FILTER (WHERE debt_free)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM closed_settlements
GROUP BY month, wijk_code
