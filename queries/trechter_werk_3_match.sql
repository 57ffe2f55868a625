/*---
title: {nl: "Trechter werk 3: match", en: "Work funnel 3: match"}
description:
  nl: >-
    Eenheid: persoon. Van de personen met een gesprek in de maand: het aantal met een profiel en een match met een
    werkgever binnen 12 maanden na de gespreksmaand. Eén persoon telt één keer per
    gespreksmaand, in de wijk van het eerste gesprek (de wijk van de werkactiviteit). Een maand verschijnt pas als de 12
    maanden erna voorbij zijn (eerder is hij nog niet waarneembaar). Eén stap van de trechter
    (queries/_staging/stg_trechter_werk.sql); elke stap is een deel van de stap ervoor.
  en: >-
    Unit: person. Of the people with an interview in the month: the number with a profile and a match with an
    employer within 12 months after the interview month. A person counts once per interview
    month, in the wijk of their first interview (the wijk of the work activity). A month appears only once the 12 months after it
    have passed (before that it is not observable yet). One step of the funnel
    (queries/_staging/stg_trechter_werk.sql); each step is a subset of the step before.
basis:
  nl: Participatiewet (ondersteuning bij arbeidsinschakeling); het werkprogramma van de gemeente; de trechter als cohort is een eigen maat van deze monitor
  en: Participatiewet (support in getting into work); the municipal work programme; the funnel as a cohort is this monitor's own measure
kind: output
programme: werk
measure: count
unit: personen
direction: up
sources: [work_activities, placements]
---*/

-- Step 3: a match in the window, after step 2.
-- Counted by cohort month (the month of the first step), over every row of the cohort, so every step
-- has a row (zero or more) in every cell of step 1 and no step can exceed the one before it.
SELECT
    cohort_month AS month,
    wijk_code,
    matched::DOUBLE AS value
FROM stg_trechter_werk_stappen
