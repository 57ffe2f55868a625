/*---
title: {nl: Vroegsignalen ontvangen, en: Early-warning signals received}
description:
  nl: >-
    Aantal signalen van betalingsachterstanden dat partners (zorgverzekeraars, energie- en
    waterbedrijven, woningcorporaties, CAK) doorgaven, per maand van ontvangst. Eén huishouden
    kan in een maand meer dan één signaal krijgen.
  en: >-
    Number of payment-arrears signals passed on by partners (health insurers, energy and water
    companies, housing associations, CAK), by month received. One household can get more than
    one signal in a month.
kind: output
programme: schulden
measure: count
unit: signalen
direction: up
sources: [early_signals]
---*/

-- Every row of early_signals is one signal; it counts in the month it arrived,
-- because that is when the follow-up work starts.
WITH signals AS (
    SELECT
        date_trunc('month', received_on)::DATE AS month,
        wijk_code
    FROM early_signals
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM signals
GROUP BY month, wijk_code
