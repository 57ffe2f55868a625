/*---
title: {nl: Hulp geaccepteerd na een vroegsignaal, en: Help accepted after an early-warning signal}
description:
  nl: >-
    Eenheid: huishouden. Telt de huishoudens die na een vroegsignaal hulp accepteerden, in de maand
    waarin het signaal binnenkwam (het bestand heeft geen datum van acceptatie). Een huishouden
    telt één keer per periode en gebied, ook met meer signalen. Geen noemer. Niet geteld:
    huishoudens die op de signaaldatum al een lopend schuldhulptraject hadden (zoals in
    vroegsignalen_bereikt_pct). De laatste maand is voorlopig: niet alle signalen zijn al
    opgevolgd.
  en: >-
    Unit: household. Counts the households that accepted help after an early-warning signal, in
    the month the signal came in (the extract has no acceptance date). A household counts once
    per period and area, even with several signals. No denominator. Not counted: households
    that already had a running debt-help case on the signal date (as in
    vroegsignalen_bereikt_pct). The latest month is provisional: not every signal has been
    followed up yet.
basis:
  nl: "Wgs (vroegsignalering, sinds 2021) en Besluit gemeentelijke schuldhulpverlening (vroegsignalering)"
  en: "Wgs (early warning, since 2021) and Besluit gemeentelijke schuldhulpverlening (early warning)"
kind: output
programme: schulden
measure: distinct
unit: huishoudens
direction: up
sources: [early_signals, debt_cases]
provisional_months: 1
---*/

-- Households already in debt help on the signal date are left out, as in the reach indicator.
WITH already_helped AS (
    SELECT DISTINCT s.signal_id
    FROM early_signals AS s
    INNER JOIN debt_cases AS c
        ON c.household_id = s.household_id
       AND c.registered_on <= s.received_on
       AND (c.ended_on IS NULL OR c.ended_on >= s.received_on)
),

-- Acceptance counts in the month the signal arrived; the roll-up counts each household once.
accepted AS (
    SELECT
        date_trunc('month', s.received_on)::DATE AS month,
        s.wijk_code,
        s.household_id AS key
    FROM early_signals AS s
    LEFT JOIN already_helped AS h ON h.signal_id = s.signal_id
    WHERE s.help_accepted
      AND h.signal_id IS NULL
)

SELECT month, wijk_code, key
FROM accepted
