/*---
description:
  nl: >-
    De trechter van de schuldenaanpak per signaalmaand en wijk: het aantal huishoudens in de groep
    (cohort) en hoeveel daarvan elke stap binnen 24 maanden bereikten (bereikt, aangemeld, schuldregeling gestart, schuldenvrij).
    Opgeteld uit stg_trechter_schulden (één rij per huishouden en signaalmaand). Gelezen door de vijf
    stappen trechter_schulden_*.
  en: >-
    The debt programme's funnel per signal month and wijk: the number of households in the
    cohort and how many of them reached each step within 24 months (reached, registered, settlement started, debt-free).
    Summed from stg_trechter_schulden (one row per household and signal month). Read by the five
    funnel steps trechter_schulden_*.
sources: [stg_trechter_schulden]
---*/

-- Why a table of counts: the five funnel steps only count cohort rows per cell (month x wijk), and
-- the cohort itself has a row per household and month (millions at a national scale). Stored as counts,
-- the build writes a few thousand rows instead of every cohort row; the cohort stays a view
-- (stg_trechter_schulden) that the workbench computes when it reads it. Every count is over the same
-- cohort rows, so each step stays a subset of the step before in every cell.
SELECT
    cohort_month,
    wijk_code,
    count(*) AS households,
    count(*) FILTER (WHERE reached) AS reached,
    count(*) FILTER (WHERE registered) AS registered,
    count(*) FILTER (WHERE settled) AS settled,
    count(*) FILTER (WHERE debt_free) AS debt_free
FROM stg_trechter_schulden
GROUP BY cohort_month, wijk_code
