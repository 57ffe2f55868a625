/*---
title: {nl: Schuldregelingen gestart, en: Debt settlements started}
description:
  nl: >-
    Eenheid: schuldregeling (schuldbemiddeling, saneringskrediet of de Wsnp; dezelfde routes als
    in schuldenvrij_na_regeling_pct). Telt de gestarte schuldregelingen in de maand van de
    startdatum van de route. Geen noemer. Niet geteld: stabilisatie en budgetbeheer (die regelen
    geen schulden) en trajecten waarvan de route nog niet begonnen is.
  en: >-
    Unit: debt settlement (debt mediation, a consolidation loan or the Wsnp; the same routes as
    in schuldenvrij_na_regeling_pct). Counts the settlements started in the month of the route's
    start date. No denominator. Not counted: stabilisation and budget management (they settle no
    debts) and cases whose route has not started yet.
basis:
  nl: "Wgs art. 1 (schuldhulpverlening); minnelijke schuldregeling en Wsnp (Faillissementswet titel III)"
  en: "Wgs art. 1 (debt help); amicable settlement and Wsnp (Faillissementswet title III)"
kind: output
programme: schulden
measure: count
unit: regelingen
direction: up
sources: [debt_cases]
---*/

-- The three settlement routes, the Wsnp included: the rule every debt indicator follows, so
-- that settlements started and settlements ended debt-free describe the same routes.
WITH settlements AS (
    SELECT
        date_trunc('month', started_on)::DATE AS month,
        wijk_code
    FROM debt_cases
    WHERE route IN ('schuldbemiddeling', 'saneringskrediet', 'wsnp')
      AND started_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM settlements
GROUP BY month, wijk_code
