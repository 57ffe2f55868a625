/*---
title: {nl: Hulp geaccepteerd na vroegsignaal, en: Help accepted after an early-warning signal}
description:
  nl: >-
    Aantal huishoudens dat na een vroegsignaal hulp accepteerde, per maand waarin het signaal
    binnenkwam. Een huishouden met meer signalen in dezelfde maand telt één keer.
  en: >-
    Number of households that accepted help after an early-warning signal, by the month the
    signal came in. A household with several signals in the same month counts once.
kind: output
programme: schulden
measure: count
unit: huishoudens
direction: up
sources: [early_signals]
---*/

-- The extract has no acceptance date, so acceptance counts in the month the signal
-- arrived; two signals of one household in a month are one household helped.
WITH accepted AS (
    SELECT
        date_trunc('month', received_on)::DATE AS month,
        wijk_code,
        household_id
    FROM early_signals
    WHERE help_accepted
)

SELECT
    month,
    wijk_code,
    count(DISTINCT household_id)::DOUBLE AS value
FROM accepted
GROUP BY month, wijk_code
