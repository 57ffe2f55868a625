/*---
title: {nl: Duurzaam schuldenvrij, en: Lastingly debt-free}
description:
  nl: >-
    Eenheid: huishouden. Van de huishoudens waarvan een schuldhulptraject in maand M schuldenvrij
    eindigde (elke route, ook de Wsnp, zoals in huishoudens_schuldenvrij), het aandeel dat zich
    binnen 12 maanden na de einddatum niet opnieuw aanmeldde voor schuldhulp. Geteld in maand
    M+12, als die twaalf maanden voorbij zijn; daarvoor is de uitkomst onbekend en verschijnt er
    geen cijfer (geen nul). Noemer: de huishoudens die in M schuldenvrij werden, één keer per
    periode en gebied; een huishouden telt als duurzaam als minstens één van zijn schuldenvrije
    afsluitingen in de periode standhield. Een nieuwe aanmelding telt vanaf de dag na de
    einddatum tot en met dezelfde datum twaalf maanden later. Niet geteld: maanden M+12 die de
    gegevens nog niet helemaal bevatten.
  en: >-
    Unit: household. Of the households whose debt-help case ended debt-free in month M (every
    route, the Wsnp included, as in huishoudens_schuldenvrij), the share that did not register
    for debt help again within 12 months of the end date. Counted in month M+12, once those
    twelve months are over; before that the outcome is unknown and no figure is shown (not a
    zero). Denominator: the households that became debt-free in M, once per period and area; a
    household counts as lasting when at least one of its debt-free ends in the period held. A
    new registration counts from the day after the end date up to the same date twelve months
    later. Not counted: months M+12 the data do not yet cover in full.
basis:
  nl: "Wgs art. 1 (schuldhulpverlening omvat ook de nazorg); de termijn van 12 maanden is een keuze van deze monitor"
  en: "Wgs art. 1 (debt help includes aftercare); the term of 12 months is this monitor's choice"
kind: outcome
programme: schulden
measure: distinct_ratio
unit: '%'
direction: up
sources: [debt_cases]
drivers: [huishoudens_schuldenvrij, schuldregelingen_gestart]
---*/

-- The last month counts only when the data cover it to its last day: a month M+12 shows only
-- when every household of month M could be followed the full twelve months.
WITH coverage AS (
    SELECT
        (date_trunc('month', greatest(max(registered_on), max(ended_on)) + INTERVAL 1 DAY)
            - INTERVAL 1 MONTH)::DATE AS last_full_month
    FROM debt_cases
),

-- Each debt-free end, with the month it is measured in: twelve months after the month it ended.
debt_free AS (
    SELECT
        case_id,
        household_id,
        wijk_code,
        ended_on,
        (date_trunc('month', ended_on) + INTERVAL 12 MONTH)::DATE AS month
    FROM debt_cases
    WHERE end_reason = 'schuldenvrij'
      AND ended_on IS NOT NULL
),

-- A new registration of the same household after the end and within twelve months of it.
returned AS (
    SELECT DISTINCT f.case_id
    FROM debt_free AS f
    INNER JOIN debt_cases AS again
        ON again.household_id = f.household_id
       AND again.registered_on > f.ended_on
       AND again.registered_on <= f.ended_on + INTERVAL 12 MONTH
)

-- One row per debt-free end; numerator: not back within twelve months. Cells not yet observable
-- are left out rather than shown as "not lasting".
-- distinct_ratio rather than ratio: the coalition counts households, and huishoudens_schuldenvrij
-- counts them distinct; with a ratio of ends, a household debt-free twice in a year would weigh
-- twice in the share but once in the count beside it. A household counts as lasting when any
-- of its ends in the period held (the roll-up's rule for a distinct numerator).
SELECT
    f.month,
    f.wijk_code,
    f.household_id AS key,
    r.case_id IS NULL AS numerator
FROM debt_free AS f
CROSS JOIN coverage
LEFT JOIN returned AS r ON r.case_id = f.case_id
WHERE f.month <= coverage.last_full_month
