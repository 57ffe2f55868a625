/*---
description:
  nl: >-
    De trechter van werk en inkomen per gespreksmaand en wijk: het aantal personen in de groep
    (cohort) en hoeveel daarvan elke stap binnen 12 maanden bereikten (profiel, match, proefplaatsing, plaatsing).
    Opgeteld uit stg_trechter_werk (één rij per persoon en gespreksmaand). Gelezen door de vijf
    stappen trechter_werk_*.
  en: >-
    The work programme's funnel per interview month and wijk: the number of people in the
    cohort and how many of them reached each step within 12 months (profile, match, trial placement, placement).
    Summed from stg_trechter_werk (one row per person and interview month). Read by the five
    funnel steps trechter_werk_*.
sources: [stg_trechter_werk]
---*/

-- Why a table of counts: the five funnel steps only count cohort rows per cell (month x wijk), and
-- the cohort itself has a row per person and month (millions at a national scale). Stored as counts,
-- the build writes a few thousand rows instead of every cohort row; the cohort stays a view
-- (stg_trechter_werk) that the workbench computes when it reads it. Every count is over the same
-- cohort rows, so each step stays a subset of the step before in every cell.
SELECT
    cohort_month,
    wijk_code,
    count(*) AS people,
    count(*) FILTER (WHERE profiled) AS profiled,
    count(*) FILTER (WHERE matched) AS matched,
    count(*) FILTER (WHERE trial) AS trial,
    count(*) FILTER (WHERE placed) AS placed
FROM stg_trechter_werk
GROUP BY cohort_month, wijk_code
