/*---
description:
  nl: >-
    De trechter van werk en inkomen als groep (cohort): één rij per persoon per maand waarin die een
    gesprek met een werkzoekende had, met de wijk van het eerste gesprek van die maand en per stap of de
    persoon die stap binnen 12 maanden na de gespreksmaand bereikte (profiel, match, proefplaatsing,
    plaatsing). Elke stap vraagt de stap ervoor. Maanden waarvan de 12
    maanden nog niet voorbij zijn, zitten er niet in.
  en: >-
    The work programme's funnel as a cohort: one row per person per month in which they had an
    interview as a jobseeker, with the wijk of that month's first interview and, per step, whether the
    person reached it within 12 months after the interview month (profile, match, trial placement,
    placement). Each step requires the one before. Months whose 12 months have not passed yet are
    left out.
sources: [work_activities, placements]
materialized: view
---*/

-- Why a cohort: the funnel must follow the same people from step to step, so that every step is a
-- subset of the step before in the same cell (interview month x wijk) and no roll-up can put a
-- step above the one before it.

-- The window: a step counts when it happened on or after the person's first interview that month
-- and by the last day of the 12th month after it.
WITH settings AS (
    SELECT 12 AS window_months
),

-- The last month the data cover to its last day: the newest date in each extract the steps read,
-- the earliest of them (as the build report's period does).
coverage AS (
    SELECT
        (date_trunc('month', least(
            (SELECT max(activity_on) FROM work_activities),
            (SELECT max(placed_on) FROM placements)
        ) + INTERVAL 1 DAY) - INTERVAL 1 MONTH)::DATE AS last_full_month
),

-- One row per person and interview month, in the wijk of that month's first interview (extract
-- contract v2: every activity carries the person's wijk, with or without a benefit). Only interviews
-- before the first month whose window has not passed are grouped (`observable` leaves the later
-- months out; grouping them first only cost time).
cohort AS (
    SELECT
        person_id,
        date_trunc('month', activity_on)::DATE AS cohort_month,
        min(activity_on) AS interview_on,
        arg_min(wijk_code, activity_on) AS wijk_code
    FROM work_activities
    WHERE activity = 'gesprek'
      AND wijk_code IS NOT NULL
      AND activity_on < (SELECT last_full_month - to_months(window_months - 1) FROM coverage, settings)
    GROUP BY person_id, date_trunc('month', activity_on)
),

-- Only cohorts whose window has fully passed (not observable yet: no row, not a zero).
observable AS (
    SELECT
        c.*,
        (c.cohort_month + to_months(s.window_months + 1) - INTERVAL 1 DAY)::DATE AS window_end
    FROM cohort AS c, settings AS s, coverage AS v
    WHERE c.cohort_month + to_months(s.window_months) <= v.last_full_month
),

-- Which platform steps the person had in the window. Only the three steps are joined: the
-- interviews, half of all activities, would add rows that answer no question here.
activities AS (
    SELECT
        o.person_id,
        o.cohort_month,
        bool_or(a.activity = 'profiel') AS profiled,
        bool_or(a.activity = 'match') AS matched,
        bool_or(a.activity = 'proefplaatsing') AS trial
    FROM observable AS o
    JOIN work_activities AS a
        ON a.person_id = o.person_id
       AND a.activity_on >= o.interview_on
       AND a.activity_on <= o.window_end
    WHERE a.activity IN ('profiel', 'match', 'proefplaatsing')
    GROUP BY o.person_id, o.cohort_month
),

-- A placement in the window (with or without a benefit before it).
placed AS (
    SELECT DISTINCT
        o.person_id,
        o.cohort_month
    FROM observable AS o
    JOIN placements AS p
        ON p.person_id = o.person_id
       AND p.placed_on >= o.interview_on
       AND p.placed_on <= o.window_end
)

-- Each step requires the one before: the nesting is what makes the funnel a funnel.
SELECT
    o.person_id,
    o.cohort_month,
    o.wijk_code,
    o.interview_on,
    o.window_end,
    s.window_months,
    coalesce(a.profiled, false) AS profiled,
    coalesce(a.profiled AND a.matched, false) AS matched,
    coalesce(a.profiled AND a.matched AND a.trial, false) AS trial,
    coalesce(a.profiled AND a.matched AND a.trial AND p.person_id IS NOT NULL, false) AS placed
FROM observable AS o
CROSS JOIN settings AS s
LEFT JOIN activities AS a
    ON a.person_id = o.person_id AND a.cohort_month = o.cohort_month
LEFT JOIN placed AS p
    ON p.person_id = o.person_id AND p.cohort_month = o.cohort_month
