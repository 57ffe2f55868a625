/*---
title: {nl: "Trechter schulden 5: schuldenvrij", en: "Debt funnel 5: debt-free"}
description:
  nl: >-
    Eenheid: huishouden. Van de huishoudens met een vroegsignaal in de maand: het aantal dat bereikt is, zich
    aanmeldde, een schuldregeling startte en die binnen 24 maanden na de signaalmaand
    schuldenvrij afsloot. Eén huishouden telt één keer per signaalmaand, in de wijk van het
    eerste signaal. Huishoudens met een lopend schuldhulptraject op de signaaldatum tellen niet
    mee. Een maand verschijnt pas als de 24 maanden erna voorbij zijn (eerder is hij nog niet
    waarneembaar). Eén stap van de trechter (queries/_staging/stg_trechter_schulden.sql); elke
    stap is een deel van de stap ervoor. Een schuldregeling duurt sinds 1 juli 2023 18 maanden
    (daarvoor 36; Wsnp, en gemeenten volgen die termijn in de minnelijke regeling): binnen
    24 maanden na het signaal is alleen wie snel aanmeldde en startte al schuldenvrij, de meeste
    regelingen eindigen later. Hoeveel regelingen uiteindelijk slagen, meet
    schuldenvrij_na_regeling_pct.
  en: >-
    Unit: household. Of the households with an early signal in the month: the number reached, registered,
    starting a debt settlement and ending it debt-free within 24 months after the signal month.
    A household counts once per signal month, in the wijk of its first signal. Households with
    an open debt case on the signal date are left out. A month appears only once the 24 months
    after it have passed (before that it is not observable yet). One step of the funnel
    (queries/_staging/stg_trechter_schulden.sql); each step is a subset of the step before. A
    settlement takes 18 months since 1 July 2023 (36 before; Wsnp, and municipalities follow that
    term in the amicable settlement): within 24 months after the signal only those who
    registered and started quickly are debt-free already, most settlements end later. How many
    settlements succeed in the end is measured by schuldenvrij_na_regeling_pct.
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

-- Step 5: the settlement ended debt-free in the window, after steps 2 to 4.
-- Counted by cohort month (the month of the first step), over every row of the cohort, so every step
-- has a row (zero or more) in every cell of step 1 and no step can exceed the one before it.
SELECT
    cohort_month AS month,
    wijk_code,
    debt_free::DOUBLE AS value
FROM stg_trechter_schulden_stappen
