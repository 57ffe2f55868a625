/*---
title: {nl: "Trechter schulden 1: huishoudens gesignaleerd", en: "Debt funnel 1: households signalled"}
description:
  nl: >-
    Eenheid: huishouden. Aantal huishoudens met een of meer vroegsignalen (betalingsachterstand gemeld door
    zorgverzekeraar, CAK, energie, woningcorporatie of water), per maand van het signaal. Eén
    huishouden telt één keer per signaalmaand, in de wijk van het eerste signaal. Huishoudens
    met een lopend schuldhulptraject op de signaaldatum tellen niet mee. Een maand verschijnt pas
    als de 24 maanden erna voorbij zijn (eerder is hij nog niet waarneembaar). Eén stap van de
    trechter (queries/_staging/stg_trechter_schulden.sql); elke stap is een deel van de stap
    ervoor.
  en: >-
    Unit: household. Number of households with one or more early-warning signals (payment arrears reported by a
    health insurer, the CAK, energy, a housing corporation or water), by month of the signal. A
    household counts once per signal month, in the wijk of its first signal. Households with an
    open debt case on the signal date are left out. A month appears only once the 24 months
    after it have passed (before that it is not observable yet). One step of the funnel
    (queries/_staging/stg_trechter_schulden.sql); each step is a subset of the step before.
basis:
  nl: Wgs art. 1 (schuldhulpverlening, incl. vroegsignalering) en art. 4 (aanvraag); de trechter als cohort is een eigen maat van deze monitor
  en: Wgs art. 1 (debt help, early warning included) and art. 4 (the request); the funnel as a cohort is this monitor's own measure
kind: output
programme: schulden
measure: count
unit: huishoudens
direction: none
sources: [early_signals, debt_cases]
---*/

-- Step 1, the cohort itself: every household signalled in the month.
-- Counted by cohort month (the month of the first step), over every row of the cohort, so every step
-- has a row (zero or more) in every cell of step 1 and no step can exceed the one before it.
SELECT
    cohort_month AS month,
    wijk_code,
    households::DOUBLE AS value
FROM stg_trechter_schulden_stappen
