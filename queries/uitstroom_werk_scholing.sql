/*---
title:
  nl: Uitstroom uit de bijstand naar werk of scholing
  en: Leaving social assistance for work or training
description:
  nl: >-
    Eenheid: persoon die de bijstand verlaat (een uitstroom; wie in de periode twee keer
    uitstroomt telt twee keer). Telt de beëindigde bijstandsuitkeringen (Participatiewet) met als
    reden werk of scholing, in de maand van de laatste uitkeringsdag. Geen noemer. Niet geteld:
    uitstroom door verhuizing of andere redenen (die verlaagt bijstand_personen wel, maar is geen
    resultaat van het werkprogramma). Of de uitstroom blijvend is, meet
    herinstroom_bijstand_12m_pct.
  en: >-
    Unit: person leaving social assistance (an exit; someone who leaves twice in the period
    counts twice). Counts the social-assistance benefits (Participatiewet) that ended because of
    work or training, in the month of the last benefit day. No denominator. Not counted: exits
    because of a move or other reasons (they do lower bijstand_personen, but are no result of
    the work programme). Whether the exit lasts is measured by herinstroom_bijstand_12m_pct.
basis:
  nl: "Participatiewet; de reden is de einde-reden van de uitkering in de uitkeringsadministratie"
  en: "Participatiewet; the reason is the benefit's end reason in the benefit administration"
kind: outcome
programme: werk
measure: count
unit: personen
direction: up
sources: [benefit_spells]
drivers: [matches, werk_gesprekken, proefplaatsingen]
---*/

-- Only exits the programme can claim: work and training. Moving away or other reasons also
-- lower bijstand_personen, but they are no result of the work programme.
WITH exits AS (
    SELECT
        date_trunc('month', ended_on)::DATE AS month,
        wijk_code
    FROM benefit_spells
    WHERE end_reason IN ('werk', 'scholing')
      AND ended_on IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM exits
GROUP BY month, wijk_code
