/*---
title: {nl: Vroegsignalen bereikt, en: Early-warning signals reached}
description:
  nl: >-
    Aandeel van de ontvangen signalen waarbij het huishouden bereikt is (contactresultaat
    'bereikt'), per maand van ontvangst. Signalen van de laatste weken zijn nog niet allemaal
    opgevolgd en tellen tot dan als niet bereikt: de laatste maand valt daardoor lager uit.
  en: >-
    Share of the signals received whose household was reached (contact result 'bereikt'), by
    month received. Signals of the last weeks have not all been followed up yet and count as not
    reached until they are, so the latest month reads low.
kind: output
programme: schulden
measure: ratio
unit: '%'
direction: up
sources: [early_signals]
numerator_is_people: true
---*/

-- By month received, not month contacted: the question is what share of the signals
-- that came in got a conversation, and that share must not move when contact is late.
WITH signals AS (
    SELECT
        date_trunc('month', received_on)::DATE AS month,
        wijk_code,
        contact_result = 'bereikt' AS reached  -- null (not yet contacted) is not reached
    FROM early_signals
)

SELECT
    month,
    wijk_code,
    count(*) FILTER (WHERE reached)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM signals
GROUP BY month, wijk_code
