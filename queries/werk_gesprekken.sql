/*---
title: {nl: Gesprekken met werkzoekenden, en: Conversations with jobseekers}
description:
  nl: >-
    Eenheid: gesprek (een activiteit; dezelfde persoon kan vaker tellen). Telt de gesprekken met
    werkzoekenden over werk (activiteit 'gesprek'), via elk kanaal (HalloWerk,
    werkgeversservicepunt, wijk), in de maand van de activiteit en de wijk van de werkzoekende
    op dat moment (work_activities.wijk_code). Werkzoekenden met en zonder uitkering tellen
    allebei mee. Geen noemer. Niet geteld: activiteiten zonder wijk in het bestand: die staan op
    geen kaart en in geen stadsdeel.
  en: >-
    Unit: conversation (an activity; the same person can count more than once). Counts the
    conversations with jobseekers about work (activity 'gesprek'), through every channel
    (HalloWerk, employer service point, wijk), in the month of the activity and the jobseeker's
    wijk at that time (work_activities.wijk_code). Jobseekers with and without a benefit both
    count. No denominator. Not counted: activities without a wijk in the extract: they belong on
    no map and in no stadsdeel.
basis:
  nl: "Participatiewet (ondersteuning bij arbeidsinschakeling); gemeentelijk werkprogramma"
  en: "Participatiewet (support in getting into work); the municipal work programme"
kind: output
programme: werk
measure: count
unit: gesprekken
direction: up
sources: [work_activities]
---*/

-- Every 'gesprek' row is one activity; it counts in the month it took place, in the wijk the
-- extract gives the jobseeker on that day (contract v2), so jobseekers without a benefit count too.
-- Without a known wijk an activity cannot be shown on the map or summed to a stadsdeel;
-- leaving it out is stated in the description (and the city total is that much lower).
WITH activities AS (
    SELECT
        date_trunc('month', activity_on)::DATE AS month,
        wijk_code
    FROM work_activities
    WHERE activity = 'gesprek'
      AND wijk_code IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM activities
GROUP BY month, wijk_code
