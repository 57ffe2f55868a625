/*---
title: {nl: Huishoudens schuldenvrij, en: Households debt-free}
description:
  nl: >-
    Aantal schuldhulpzaken dat is afgesloten omdat het huishouden schuldenvrij is, per maand van
    afsluiting. Een huishouden heeft één lopende zaak tegelijk.
  en: >-
    Number of debt-help cases closed because the household is debt-free, by month of closing. A
    household has one open case at a time.
kind: outcome
programme: schulden
measure: count
unit: huishoudens
direction: up
sources: [debt_cases]
drivers: [vroegsignalen_bereikt_pct, schuldhulp_aanmeldingen, schuldregelingen_gestart]
---*/

-- Counted when the case closes debt-free: that is the moment the coalition target is about,
-- whichever route (settlement, loan or the court route) got the household there.
WITH debt_free AS (
    SELECT
        date_trunc('month', ended_on)::DATE AS month,
        wijk_code
    FROM debt_cases
    WHERE end_reason = 'schuldenvrij'
      AND ended_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM debt_free
GROUP BY month, wijk_code
