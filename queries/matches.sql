/*---
title: {nl: Matches met een vacature, en: Matches with a vacancy}
description:
  nl: >-
    Aantal matches tussen een werkzoekende en een vacature, per maand en per wijk van de
    werkzoekende. De wijk komt uit de bijstandsuitkering (of anders de plaatsing) van de
    persoon; activiteiten van personen zonder uitkering en zonder plaatsing hebben geen bekende
    wijk en tellen niet mee.
  en: >-
    Number of matches between a jobseeker and a vacancy, by month and by the jobseeker's wijk.
    The wijk comes from the person's benefit spell (or else their placement); activities of
    people with neither a benefit nor a placement have no known wijk and are left out.
kind: output
programme: werk
measure: count
unit: matches
direction: up
sources: [work_activities, benefit_spells, placements]
---*/

-- Every 'match' row is one activity; it counts in the month it took place. The person's wijk on
-- that day comes from the staging table stg_activity_wijk (queries/_staging/stg_activity_wijk.sql:
-- the benefit spell running then, else the latest spell, else the latest placement).
-- Without a known wijk an activity cannot be shown on the map or summed to a stadsdeel;
-- leaving it out is stated in the description (and the city total is that much lower).
WITH activities AS (
    SELECT
        date_trunc('month', activity_on)::DATE AS month,
        wijk_code
    FROM stg_activity_wijk
    WHERE activity = 'match'
      AND wijk_code IS NOT NULL
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM activities
GROUP BY month, wijk_code
