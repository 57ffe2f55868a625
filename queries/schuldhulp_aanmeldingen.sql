/*---
title: {nl: Aanmeldingen schuldhulpverlening, en: Debt-help registrations}
description:
  nl: >-
    Aantal aanmeldingen voor schuldhulpverlening, langs alle wegen (vroegsignalering,
    zelfmelders, partners, wijkteams), per maand van aanmelding.
  en: >-
    Number of registrations for debt help, through every route (early warning, self-referral,
    partners, neighbourhood teams), by month of registration.
kind: output
programme: schulden
measure: count
unit: aanmeldingen
direction: up
sources: [debt_cases]
---*/

-- A case is one registration; the month of registration is when the municipality
-- takes on the household, whatever happens later.
WITH registrations AS (
    SELECT
        date_trunc('month', registered_on)::DATE AS month,
        wijk_code
    FROM debt_cases
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM registrations
GROUP BY month, wijk_code
