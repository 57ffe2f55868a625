/*---
title: {nl: "Trechter werk 1: personen met een gesprek", en: "Work funnel 1: people with an interview"}
description:
  nl: >-
    Eenheid: persoon. Aantal personen met een of meer gesprekken met werkzoekenden (via HalloWerk, het
    werkgeversservicepunt of de wijk), per maand van het gesprek. Eén persoon telt één keer per
    gespreksmaand, in de wijk van het eerste gesprek (de wijk van de werkactiviteit). Een maand verschijnt pas als de 12
    maanden erna voorbij zijn (eerder is hij nog niet waarneembaar). Eén stap van de trechter
    (queries/_staging/stg_trechter_werk.sql); elke stap is een deel van de stap ervoor.
  en: >-
    Unit: person. Number of people with one or more interviews as a jobseeker (through HalloWerk, the employer
    service point or the wijk), by month of the interview. A person counts once per interview
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

-- Step 1, the cohort itself: every person with an interview in the month.
-- Counted by cohort month (the month of the first step), over every row of the cohort, so every step
-- has a row (zero or more) in every cell of step 1 and no step can exceed the one before it.
SELECT
    cohort_month AS month,
    wijk_code,
    people::DOUBLE AS value
FROM stg_trechter_werk_stappen
