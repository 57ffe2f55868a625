/*---
title: {nl: Profielen op HalloWerk, en: Profiles on HalloWerk}
description:
  nl: >-
    Eenheid: profiel (een activiteit; dezelfde persoon kan vaker tellen). Telt de profielen die
    werkzoekenden aanmaakten op het werkplatform HalloWerk (activiteit 'profiel', kanaal
    'hallowerk'), in de maand van de activiteit en de wijk van de werkzoekende op dat moment
    (work_activities.wijk_code). Werkzoekenden met en zonder uitkering tellen allebei mee.
    Profielen die via het werkgeversservicepunt of de wijk zijn vastgelegd tellen niet: het gaat
    om het platform. Geen noemer. Niet geteld: activiteiten zonder wijk in het bestand: die
    staan op geen kaart en in geen stadsdeel.
  en: >-
    Unit: profile (an activity; the same person can count more than once). Counts the profiles
    jobseekers created on the work platform HalloWerk (activity 'profiel', channel 'hallowerk'),
    in the month of the activity and the jobseeker's wijk at that time
    (work_activities.wijk_code). Jobseekers with and without a benefit both count. Profiles
    recorded through the employer service point or the wijk do not count: this is about the
    platform. No denominator. Not counted: activities without a wijk in the extract: they belong
    on no map and in no stadsdeel.
basis:
  nl: "Gemeentelijk werkprogramma (het werkplatform HalloWerk)"
  en: "The municipal work programme (the work platform HalloWerk)"
kind: output
programme: werk
measure: count
unit: profielen
direction: up
sources: [work_activities]
---*/

-- Every 'profiel' row is one activity; it counts in the month it took place, in the wijk the
-- extract gives the jobseeker on that day (contract v2), so jobseekers without a benefit count too.
-- Without a known wijk an activity cannot be shown on the map or summed to a stadsdeel;
-- leaving it out is stated in the description (and the city total is that much lower).
-- Only the platform channel: the indicator is about HalloWerk, not profiles kept elsewhere.
WITH activities AS (
    SELECT
        date_trunc('month', activity_on)::DATE AS month,
        wijk_code
    FROM work_activities
    WHERE activity = 'profiel'
      AND channel = 'hallowerk'
      AND wijk_code IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM activities
GROUP BY month, wijk_code
