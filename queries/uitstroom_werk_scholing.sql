/*---
title:
  nl: Uitstroom uit de bijstand naar werk of scholing
  en: Leaving social assistance for work or training
description:
  nl: >-
    Aantal beëindigde bijstandsuitkeringen met als reden werk of scholing, per maand van de
    laatste uitkeringsdag.
  en: >-
    Number of social-assistance benefits that ended because of work or training, by month of the
    last benefit day.
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
