/*---
title: {nl: Aanmeldingen schuldhulpverlening, en: Requests for debt help}
description:
  nl: >-
    Eenheid: aanmelding (verzoek om schuldhulp; elke aanmelding opent één schuldhulptraject).
    Telt de aanmeldingen langs alle wegen (vroegsignalering, zelfmelders, partners, wijkteams) in
    de maand van de aanmelddatum, welke route ook volgt (ook de Wsnp). Een huishouden dat zich
    twee keer aanmeldt telt twee keer: het is de instroom van werk. Geen noemer. Niets wordt
    weggelaten.
  en: >-
    Unit: request (a request for debt help; each request opens one debt-help case). Counts the
    requests through every route in (early warning, self-referral, partners, neighbourhood teams)
    in the month of the request date, whatever route follows (the Wsnp included). A household
    that registers twice counts twice: this is the inflow of work. No denominator. Nothing is
    left out.
basis:
  nl: "Wgs art. 4 (de melding van de hulpvraag start de termijn)"
  en: "Wgs art. 4 (the request for help starts the term)"
kind: output
programme: schulden
measure: count
unit: aanmeldingen
direction: up
sources: [debt_cases]
dimensions: [household_type, age_band]
---*/

-- A case is one request; the request date is when the municipality takes on the household
-- (and when the Wgs term starts), whatever happens later. Split by household type and the
-- applicant's age band (dimensions): who comes in.
WITH requests AS (
    SELECT
        date_trunc('month', registered_on)::DATE AS month,
        wijk_code,
        household_type,
        age_band
    FROM debt_cases
)

SELECT
    month,
    wijk_code,
    household_type,
    age_band,
    count(*)::DOUBLE AS value
FROM requests
GROUP BY month, wijk_code, household_type, age_band
