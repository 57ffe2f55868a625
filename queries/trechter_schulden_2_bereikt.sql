/*---
title: {nl: "Trechter schulden 2: huishoudens bereikt", en: "Debt funnel 2: households reached"}
description:
  nl: >-
    Eenheid: huishouden. Van de huishoudens met een vroegsignaal in de maand: het aantal dat binnen 24 maanden na de
    signaalmaand bereikt is (contactresultaat 'bereikt' of 'geweigerd': ook wie hulp weigert, is
    bereikt). Eén huishouden telt één keer per signaalmaand, in de wijk van het eerste signaal.
    Huishoudens met een lopend schuldhulptraject op de signaaldatum tellen niet mee. Een maand
    verschijnt pas als de 24 maanden erna voorbij zijn (eerder is hij nog niet waarneembaar).
    Eén stap van de trechter (queries/_staging/stg_trechter_schulden.sql); elke stap is een deel
    van de stap ervoor.
  en: >-
    Unit: household. Of the households with an early signal in the month: the number reached within 24 months
    after the signal month (contact result 'bereikt' or 'geweigerd': a household that says no
    was reached too). A household counts once per signal month, in the wijk of its first signal.
    Households with an open debt case on the signal date are left out. A month appears only once
    the 24 months after it have passed (before that it is not observable yet). One step of the
    funnel (queries/_staging/stg_trechter_schulden.sql); each step is a subset of the step
    before.
basis:
  nl: Wgs art. 1 (schuldhulpverlening, incl. vroegsignalering) en art. 4 (aanvraag); de trechter als cohort is een eigen maat van deze monitor
  en: Wgs art. 1 (debt help, early warning included) and art. 4 (the request); the funnel as a cohort is this monitor's own measure
kind: output
programme: schulden
measure: count
unit: huishoudens
direction: up
sources: [early_signals, debt_cases]
---*/

-- Step 2: reached; 'geweigerd' counts, the household was reached and said no.
-- Counted by cohort month (the month of the first step), over every row of the cohort, so every step
-- has a row (zero or more) in every cell of step 1 and no step can exceed the one before it.
SELECT
    cohort_month AS month,
    wijk_code,
    reached::DOUBLE AS value
FROM stg_trechter_schulden_stappen
