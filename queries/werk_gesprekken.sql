/*---
title: {nl: Werkgesprekken, en: Work interviews}
description:
  nl: >-
    Aantal gesprekken met een werkzoekende over werk (werkgesprek), per maand en per wijk van de
    werkzoekende. De wijk komt uit de bijstandsuitkering (of anders de plaatsing) van de
    persoon; activiteiten van personen zonder uitkering en zonder plaatsing hebben geen bekende
    wijk en tellen niet mee.
  en: >-
    Number of interviews with a jobseeker about work, by month and by the jobseeker's wijk. The
    wijk comes from the person's benefit spell (or else their placement); activities of people
    with neither a benefit nor a placement have no known wijk and are left out.
kind: output
programme: werk
measure: count
unit: gesprekken
direction: up
sources: [work_activities, benefit_spells, placements]
---*/

-- Every 'gesprek' row is one activity; it counts in the month it took place.
WITH activities AS (
    SELECT
        person_id,
        activity_on
    FROM work_activities
    WHERE activity = 'gesprek'
),

-- work_activities has no wijk_code, so the wijk comes from where the person is known:
-- 1. the benefit spell that had started by the day of the activity (where they lived then);
-- 2. else their latest spell (an activity before their first benefit);
-- 3. else their latest placement (people who never had a benefit, e.g. found through the platform).
-- Each spell stands for the person's wijk from its start until their next spell starts.
spells AS (
    SELECT
        person_id,
        wijk_code,
        started_on AS lived_from,
        lead(started_on) OVER (PARTITION BY person_id ORDER BY started_on) AS lived_until
    FROM benefit_spells
),

latest_placement AS (
    SELECT person_id, arg_max(wijk_code, placed_on) AS wijk_code
    FROM placements
    GROUP BY person_id
),

located AS (
    SELECT
        date_trunc('month', a.activity_on)::DATE AS month,
        coalesce(spell_then.wijk_code, spell_last.wijk_code, placement.wijk_code) AS wijk_code
    FROM activities AS a
    LEFT JOIN spells AS spell_then
        ON spell_then.person_id = a.person_id
       AND a.activity_on >= spell_then.lived_from
       AND (spell_then.lived_until IS NULL OR a.activity_on < spell_then.lived_until)
    LEFT JOIN spells AS spell_last
        ON spell_last.person_id = a.person_id AND spell_last.lived_until IS NULL
    LEFT JOIN latest_placement AS placement
        ON placement.person_id = a.person_id
)

-- Without a known wijk an activity cannot be shown on the map or summed to a stadsdeel;
-- leaving it out is stated in the description (and the city total is that much lower).
SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM located
WHERE wijk_code IS NOT NULL
GROUP BY month, wijk_code
