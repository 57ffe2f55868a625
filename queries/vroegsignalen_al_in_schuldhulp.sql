/*---
title: {nl: Vroegsignalen bij huishoudens al in schuldhulp, en: Early-warning signals for households already in debt help}
description:
  nl: >-
    Eenheid: huishouden. Telt de huishoudens met een vroegsignaal die op de signaaldatum al een
    lopend schuldhulptraject hadden (aangemeld op of voor die dag, niet beëindigd vóór die dag),
    in de maand waarin het signaal binnenkwam. Zij tellen niet mee in vroegsignalen_bereikt_pct en
    hulp_geaccepteerd; hier blijven ze zichtbaar (een nieuwe achterstand tijdens de hulp is
    informatie voor de schuldhulpverlener). Een huishouden telt één keer per periode en gebied.
    Geen noemer. Meer is niet beter of slechter.
  en: >-
    Unit: household. Counts the households with an early-warning signal that already had a
    running debt-help case on the signal date (registered on or before that day, not ended
    before it), in the month the signal came in. They are left out of vroegsignalen_bereikt_pct
    and hulp_geaccepteerd; here they stay visible (new arrears during help are news for the
    debt counsellor). A household counts once per period and area. No denominator. More is
    neither better nor worse.
basis:
  nl: "Wgs (vroegsignalering, sinds 2021) en Besluit gemeentelijke schuldhulpverlening (vroegsignalering)"
  en: "Wgs (early warning, since 2021) and Besluit gemeentelijke schuldhulpverlening (early warning)"
kind: output
programme: schulden
measure: distinct
unit: huishoudens
direction: none
sources: [early_signals, debt_cases]
---*/

-- Open on the signal date: registered by then and not ended before it (the same rule as
-- huishoudens_in_schuldhulp and the reach indicator, which leaves these households out).
WITH already_helped AS (
    SELECT DISTINCT
        date_trunc('month', s.received_on)::DATE AS month,
        s.wijk_code,
        s.household_id AS key,
        s.signal_id
    FROM early_signals AS s
    INNER JOIN debt_cases AS c
        ON c.household_id = s.household_id
       AND c.registered_on <= s.received_on
       AND (c.ended_on IS NULL OR c.ended_on >= s.received_on)
)

SELECT month, wijk_code, key
FROM already_helped
