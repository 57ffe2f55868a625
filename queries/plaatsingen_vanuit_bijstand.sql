/*---
title: {nl: Plaatsingen vanuit de bijstand, en: Placements from social assistance}
description:
  nl: >-
    Eenheid: plaatsing (een persoon die twee keer geplaatst wordt telt twee keer). Telt de
    plaatsingen in betaald werk van personen die een bijstandsuitkering hadden, in de maand van de
    eerste werkdag, in de wijk van de persoon bij plaatsing. Geen noemer. Niet geteld:
    plaatsingen van werkzoekenden zonder uitkering (die telt plaatsingen_zonder_uitkering; samen
    zijn het alle plaatsingen).
  en: >-
    Unit: placement (a person placed twice counts twice). Counts the placements in paid work of
    people who were on social assistance, in the month of the first working day, in the person's
    wijk at placement. No denominator. Not counted: placements of jobseekers without a benefit
    (plaatsingen_zonder_uitkering counts those; together they are all placements).
basis:
  nl: "Participatiewet (arbeidsinschakeling van bijstandsgerechtigden)"
  en: "Participatiewet (getting people on social assistance into work)"
kind: outcome
programme: werk
measure: count
unit: plaatsingen
direction: up
peer: nettoarbeidsparticipatie  # compared across municipalities (queries/population.yaml)
sources: [placements]
drivers: [matches, proefplaatsingen, werk_gesprekken]
dimensions: [contract, wage_subsidy]
---*/

-- from_benefit separates the programme's two audiences: people leaving social assistance
-- (this indicator) and jobseekers without a benefit (plaatsingen_zonder_uitkering).
-- Split by contract type and wage subsidy (dimensions): what kind of job the placement is.
WITH placed AS (
    SELECT
        date_trunc('month', placed_on)::DATE AS month,
        wijk_code,
        contract,
        wage_subsidy
    FROM placements
    WHERE from_benefit
)

SELECT
    month,
    wijk_code,
    contract,
    wage_subsidy,
    count(*)::DOUBLE AS value
FROM placed
GROUP BY month, wijk_code, contract, wage_subsidy
