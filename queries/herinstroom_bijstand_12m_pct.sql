/*---
title: {nl: Terug in de bijstand binnen 12 maanden, en: Back on social assistance within 12 months}
description:
  nl: >-
    Eenheid: persoon. Van de personen van wie een bijstandsuitkering in maand M eindigde omdat ze
    gingen werken (reden 'werk'), het aandeel dat binnen 12 maanden na de laatste uitkeringsdag
    opnieuw een bijstandsuitkering kreeg (een nieuwe uitkering die begint na de laatste dag en
    uiterlijk op dezelfde datum twaalf maanden later). Geteld in maand M+12, als die twaalf
    maanden voorbij zijn; daarvoor is de uitkomst onbekend en verschijnt er geen cijfer (geen
    nul). Noemer: de personen die in M naar werk uitstroomden, één keer per periode en gebied;
    een persoon telt als teruggekeerd als hij na minstens één van zijn uitstromen in de periode
    terugkwam. Niet geteld: uitstroom naar scholing of om andere redenen, en maanden M+12 die de
    gegevens nog niet helemaal bevatten.
  en: >-
    Unit: person. Of the people whose social-assistance benefit ended in month M because they
    went to work (reason 'werk'), the share that got a social-assistance benefit again within 12
    months of the last benefit day (a new benefit starting after that day and at the latest on
    the same date twelve months later). Counted in month M+12, once those twelve months are
    over; before that the outcome is unknown and no figure is shown (not a zero). Denominator:
    the people who left for work in M, once per period and area; a person counts as back when
    they came back after at least one of their exits in the period. Not counted: exits to
    training or for other reasons, and months M+12 the data do not yet cover in full.
basis:
  nl: "Participatiewet; blijvende uitstroom naar werk zoals het CBS-cohortonderzoek uitstroom bijstand naar werk (voor SZW) die volgt"
  en: "Participatiewet; lasting exits to work as the CBS cohort study of exits from social assistance to work (for SZW) follows them"
kind: outcome
programme: werk
measure: distinct_ratio
unit: '%'
direction: down
sources: [benefit_spells]
drivers: [plaatsingen_vanuit_bijstand, werk_gesprekken, proefplaatsingen]
---*/

-- The last month counts only when the data cover it to its last day: a month M+12 shows only
-- when everyone who left in month M could be followed the full twelve months.
WITH coverage AS (
    SELECT
        (date_trunc('month', greatest(max(started_on), max(ended_on)) + INTERVAL 1 DAY)
            - INTERVAL 1 MONTH)::DATE AS last_full_month
    FROM benefit_spells
),

-- Each exit to work, measured twelve months after the month it happened.
exits AS (
    SELECT
        spell_id,
        person_id,
        wijk_code,
        ended_on,
        (date_trunc('month', ended_on) + INTERVAL 12 MONTH)::DATE AS month
    FROM benefit_spells
    WHERE end_reason = 'werk'
      AND ended_on IS NOT NULL
),

-- A new spell of the same person starting after the exit and within twelve months of it.
back AS (
    SELECT DISTINCT e.spell_id
    FROM exits AS e
    INNER JOIN benefit_spells AS again
        ON again.person_id = e.person_id
       AND again.started_on > e.ended_on
       AND again.started_on <= e.ended_on + INTERVAL 12 MONTH
)

-- One row per exit; numerator: back on benefit within twelve months. Not yet observable: no row.
-- distinct_ratio: the share is about people, so someone who left for work twice in a period
-- counts once (as back when they came back after any of those exits).
SELECT
    e.month,
    e.wijk_code,
    e.person_id AS key,
    b.spell_id IS NOT NULL AS numerator
FROM exits AS e
CROSS JOIN coverage
LEFT JOIN back AS b ON b.spell_id = e.spell_id
WHERE e.month <= coverage.last_full_month
