/*---
title: {nl: Schuldhulptrajecten beëindigd, en: Debt-help cases ended}
description:
  nl: >-
    Eenheid: schuldhulptraject (één aanmelding tot het einde). Telt de beëindigde trajecten in de
    maand van de einddatum, wat de reden ook is: schuldenvrij, stabiel, uitval, verhuisd of
    overig; elke route telt mee, ook de Wsnp. Meer is niet beter of slechter: uitval telt ook
    mee, daarom heet de indicator 'beëindigd' en niet 'afgerond'. Geen noemer. Niet geteld:
    trajecten die nog lopen.
  en: >-
    Unit: debt-help case (one request up to its end). Counts the cases ended in the month of the
    end date, whatever the reason: debt-free, stable, drop-out, moved or other; every route
    counts, the Wsnp included. More is neither better nor worse: drop-outs count too, which is
    why the indicator says 'ended', not 'completed'. No denominator. Not counted: cases still
    running.
basis:
  nl: "Wgs art. 1 (schuldhulpverlening); doorstroom van de uitvoering"
  en: "Wgs art. 1 (debt help); throughput of the service"
kind: output
programme: schulden
measure: count
unit: trajecten
direction: none
sources: [debt_cases]
---*/

-- All end reasons together: this is the throughput of the service; the outcome
-- indicators split off the endings that count as success.
WITH ended AS (
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
FROM ended
GROUP BY month, wijk_code
