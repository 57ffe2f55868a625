/*---
title: {nl: Vroegsignalen ontvangen, en: Early-warning signals received}
description:
  nl: >-
    Eenheid: signaal (niet het huishouden: één huishouden kan meer signalen krijgen, ook in één
    maand). Telt de signalen van betalingsachterstanden die partners (zorgverzekeraars en het CAK,
    energie- en waterbedrijven, woningcorporaties) doorgaven, in de maand van ontvangst: de
    hoeveelheid werk die binnenkomt. Geen noemer. Niets wordt weggelaten, ook niet de signalen van
    huishoudens die al in schuldhulp zijn. Meer is niet beter of slechter: meer signalen kan
    meer achterstanden betekenen of betere aansluiting van partners. De huishoudens telt
    vroegsignalen_bereikt_pct (noemer).
  en: >-
    Unit: signal (not the household: one household can get several signals, even in one month).
    Counts the signals of payment arrears passed on by partners (health insurers and the CAK,
    energy and water companies, housing associations), in the month received: the amount of work
    coming in. No denominator. Nothing is left out, not even signals of households already in
    debt help. More is neither better nor worse: more signals can mean more arrears or better
    connected partners. The households are counted by vroegsignalen_bereikt_pct (denominator).
basis:
  nl: "Wgs (vroegsignalering, sinds 2021) en Besluit gemeentelijke schuldhulpverlening (welke partners signalen doorgeven)"
  en: "Wgs (early warning, since 2021) and Besluit gemeentelijke schuldhulpverlening (which partners pass on signals)"
kind: output
programme: schulden
measure: count
unit: signalen
direction: none
sources: [early_signals]
dimensions: [partner, partner_name]
---*/

-- Every row of early_signals is one signal; it counts in the month it arrived,
-- because that is when the follow-up work starts. Split by the partner type and the
-- partner as it names itself (dimensions): the Schuldenlab partners side by side.
WITH signals AS (
    SELECT
        date_trunc('month', received_on)::DATE AS month,
        wijk_code,
        partner,
        partner_name
    FROM early_signals
)

SELECT
    month,
    wijk_code,
    partner,
    partner_name,
    count(*)::DOUBLE AS value
FROM signals
GROUP BY month, wijk_code, partner, partner_name
