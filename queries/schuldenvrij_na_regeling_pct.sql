/*---
title: {nl: Schuldenvrij na een schuldregeling, en: Debt-free after a debt settlement}
description:
  nl: >-
    Eenheid: schuldregeling (de route van een schuldhulptraject: schuldbemiddeling,
    saneringskrediet of de Wsnp, zoals in alle schuldindicatoren). Van de schuldregelingen die in
    de maand eindigden, het aandeel dat schuldenvrij eindigde, geteld in de maand van de
    einddatum. Noemer: de beëindigde schuldregelingen. Niet geteld: regelingen die nog lopen (die
    hebben nog geen uitkomst; als 'niet schuldenvrij' tellen zou elke recente maand te laag
    maken) en trajecten met een andere route (stabilisatie, budgetbeheer) of zonder route.
  en: >-
    Unit: debt settlement (the route of a debt-help case: debt mediation, a consolidation loan or
    the Wsnp, as in every debt indicator). Of the settlements that ended in the month, the share
    that ended debt-free, counted in the month of the end date. Denominator: the settlements
    ended. Not counted: settlements still running (they have no result yet; counting them as
    'not debt-free' would make every recent month too low) and cases with another route
    (stabilisation, budget management) or none.
basis:
  nl: "Wgs art. 1 (schuldhulpverlening); minnelijke schuldregeling en Wsnp (Faillissementswet titel III)"
  en: "Wgs art. 1 (debt help); amicable settlement and Wsnp (Faillissementswet title III)"
kind: outcome
programme: schulden
measure: ratio
unit: '%'
direction: up
sources: [debt_cases]
drivers: [schuldregelingen_gestart, dagen_tot_eerste_gesprek]
---*/

-- Only ended settlements are in the denominator: an open one has no result yet. The three
-- settlement routes are the same in schuldregelingen_gestart, so the two fit together.
WITH ended_settlements AS (
    SELECT
        date_trunc('month', ended_on)::DATE AS month,
        wijk_code,
        end_reason = 'schuldenvrij' AS debt_free
    FROM debt_cases
    WHERE route IN ('schuldbemiddeling', 'saneringskrediet', 'wsnp')
      AND ended_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*) FILTER (WHERE debt_free)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM ended_settlements
GROUP BY month, wijk_code
