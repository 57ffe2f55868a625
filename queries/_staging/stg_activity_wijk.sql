/*---
description:
  nl: >-
    Elke werkactiviteit (gesprek, profiel, match, proefplaatsing, leerwerktraject) met de wijk van de
    persoon op de dag van de activiteit. De wijk komt uit de bijstandsuitkering die toen liep (of
    anders de laatste uitkering, of anders de laatste plaatsing); is er geen van beide, dan is de
    wijk leeg. Eén rij per activiteit.
  en: >-
    Every work activity (interview, profile, match, trial placement, work-and-learn route) with the
    person's wijk on the day of the activity. The wijk comes from the benefit spell that was running
    then (or else the latest spell, or else the latest placement); with neither, the wijk is empty.
    One row per activity.
sources: [work_activities, benefit_spells, placements]
materialized: view
---*/

-- Extract contract v1 gave work_activities no wijk_code; v2 delivers it, and the activity indicators
-- now read that column (so jobseekers without a benefit or placement count too). This table stays as
-- the worked example of a staging table and to compare the delivered wijk with the derived one;
-- as no indicator reads it, it is a view (computed when the workbench reads it, not by every build).
-- The wijk is taken from where the person is known to the municipality:
-- 1. the benefit spell that had started by the day of the activity (where they lived then);
-- 2. else their latest spell (an activity before their first benefit);
-- 3. else their latest placement (people who never had a benefit, e.g. found through the platform).
-- Every activity indicator needs the same answer, so it is worked out once, here.

-- Each spell stands for the person's wijk from its start until their next spell starts, so that
-- at most one spell covers any day (a person moving between spells moves the activity with them).
WITH spells AS (
    SELECT
        person_id,
        wijk_code,
        started_on AS lived_from,
        lead(started_on) OVER (PARTITION BY person_id ORDER BY started_on) AS lived_until
    FROM benefit_spells
),

-- The wijk of the last placement: a placement is a known address for people who never had a benefit.
latest_placement AS (
    SELECT
        person_id,
        arg_max(wijk_code, placed_on) AS wijk_code
    FROM placements
    GROUP BY person_id
),

-- One row per activity: each of the three joins finds at most one row per person and day
-- (the spells do not overlap, the open spell is the person's last, one latest placement).
located AS (
    SELECT
        a.activity_id,
        a.person_id,
        a.activity_on,
        a.activity,
        a.channel,
        coalesce(spell_then.wijk_code, spell_last.wijk_code, placement.wijk_code) AS wijk_code,
        CASE
            WHEN spell_then.wijk_code IS NOT NULL THEN 'spell_then'
            WHEN spell_last.wijk_code IS NOT NULL THEN 'spell_last'
            WHEN placement.wijk_code IS NOT NULL THEN 'placement'
        END AS wijk_from
    FROM work_activities AS a
    LEFT JOIN spells AS spell_then
        ON spell_then.person_id = a.person_id
       AND a.activity_on >= spell_then.lived_from
       AND (spell_then.lived_until IS NULL OR a.activity_on < spell_then.lived_until)
    LEFT JOIN spells AS spell_last
        ON spell_last.person_id = a.person_id AND spell_last.lived_until IS NULL
    LEFT JOIN latest_placement AS placement
        ON placement.person_id = a.person_id
)

-- Activities without a known wijk stay in (wijk_code and wijk_from NULL): leaving them out is
-- each indicator's decision, stated in its description, and an analyst can count them here.
SELECT
    activity_id,
    person_id,
    activity_on,
    activity,
    channel,
    wijk_code,
    wijk_from
FROM located
