/*---
title: {nl: Schuldhulptrajecten afgerond, en: Debt-help cases closed}
description:
  nl: >-
    Aantal afgesloten schuldhulpzaken, per maand van afsluiting, ongeacht de reden
    (schuldenvrij, stabiel, uitval, verhuisd of anders).
  en: >-
    Number of debt-help cases closed, by month of closing, whatever the reason (debt-free,
    stable, dropped out, moved or other).
kind: output
programme: schulden
measure: count
unit: trajecten
direction: up
sources: [debt_cases]
---*/

-- All end reasons together: this is the throughput of the service; the outcome
-- indicators split off the endings that count as success.
WITH closed AS (
    SELECT
        date_trunc('month', ended_on)::DATE AS month,
        wijk_code
    FROM debt_cases
    WHERE ended_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM closed
GROUP BY month, wijk_code
