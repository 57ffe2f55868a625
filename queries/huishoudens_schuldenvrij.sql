/*---
title: {nl: Huishoudens schuldenvrij, en: Households debt-free}
description:
  nl: >-
    Eenheid: huishouden. Telt de huishoudens waarvan een schuldhulptraject is beëindigd omdat het
    huishouden schuldenvrij is (einde-reden 'schuldenvrij'), in de maand van de einddatum. Elke
    route telt mee, ook de Wsnp (wettelijke schuldsanering): voor het huishouden is het resultaat
    hetzelfde, en de gemeente leidt het huishouden naar die route toe; alle schuldindicatoren
    volgen deze regel. Een huishouden telt één keer per periode en gebied, ook als het in die
    periode twee keer schuldenvrij werd of verhuisde (dan telt het in de wijk van de laatste
    keer). Geen noemer. Niet geteld: trajecten die op een andere manier eindigden (stabiel,
    uitval, verhuisd, overig) en trajecten die nog lopen.
  en: >-
    Unit: household. Counts the households whose debt-help case ended because the household is
    debt-free (end reason 'schuldenvrij'), in the month of the end date. Every route counts,
    the Wsnp (the statutory debt-rescheduling scheme) included: for the household the result is
    the same, and the municipality leads the household to that route; every debt indicator
    follows this rule. A household counts once per period and area, even when it
    became debt-free twice in the period or moved (then it counts in the wijk of the latest
    time). No denominator. Not counted: cases that ended otherwise (stable, drop-out, moved,
    other) and cases still running.
basis:
  nl: "Wgs art. 1 (begrip schuldhulpverlening); Wsnp: Faillissementswet titel III; coalitiedoel 'huishoudens schuldenvrij'"
  en: "Wgs art. 1 (definition of debt help); Wsnp: Faillissementswet title III; coalition target 'households debt-free'"
kind: outcome
programme: schulden
measure: distinct
unit: huishoudens
direction: up
sources: [debt_cases]
drivers: [vroegsignalen_bereikt_pct, schuldhulp_aanmeldingen, schuldregelingen_gestart, eerste_gesprek_binnen_termijn_pct]
---*/

-- Counted when the case ends debt-free: that is the moment the coalition target is about,
-- whichever route (settlement, loan or the Wsnp) got the household there. One row per debt-free
-- end; the roll-up counts distinct households (key) per period and area.
WITH debt_free AS (
    SELECT
        date_trunc('month', ended_on)::DATE AS month,
        wijk_code,
        household_id AS key
    FROM debt_cases
    WHERE end_reason = 'schuldenvrij'
      AND ended_on IS NOT NULL
)

SELECT month, wijk_code, key
FROM debt_free
