/*---
title: {nl: Plaatsingen niet te volgen na 12 maanden, en: Placements not traceable after 12 months}
description:
  nl: >-
    Eenheid: plaatsing. Telt de plaatsingen in werk van maand M waarvan na 12 maanden niet bekend
    is of de persoon werkt (employed_12m leeg) terwijl die twaalf maanden wel voorbij zijn,
    geteld in maand M+12, zoals duurzaam_werk_12m_pct. Die plaatsingen laat
    duurzaam_werk_12m_pct weg; hier blijven ze zichtbaar. Geen noemer. Niet geteld: plaatsingen
    waarvan de twaalf maanden nog niet voorbij zijn (maand M+12 niet helemaal in de gegevens).
  en: >-
    Unit: placement. Counts the placements in work of month M of which it is not known after 12
    months whether the person works (employed_12m empty) although those twelve months are over,
    counted in month M+12, as duurzaam_werk_12m_pct does. duurzaam_werk_12m_pct leaves these
    placements out; here they stay visible. No denominator. Not counted: placements whose twelve
    months are not over yet (month M+12 not fully in the data).
basis:
  nl: "Datakwaliteit bij duurzaam_werk_12m_pct (polisadministratie UWV)"
  en: "Data quality of duurzaam_werk_12m_pct (UWV wage administration)"
kind: output
programme: werk
measure: count
unit: plaatsingen
direction: down
sources: [placements]
---*/

-- Observable: month M+12 lies within the data to its last day (the latest placement date is
-- the latest day the extract knows). Null then means "not traceable", not "not yet known".
WITH coverage AS (
    SELECT
        (date_trunc('month', max(placed_on) + INTERVAL 1 DAY) - INTERVAL 1 MONTH)::DATE AS last_full_month
    FROM placements
),

untraced AS (
    SELECT
        (date_trunc('month', p.placed_on) + INTERVAL 12 MONTH)::DATE AS month,
        p.wijk_code
    FROM placements AS p
    CROSS JOIN coverage
    WHERE p.employed_12m IS NULL
      AND (date_trunc('month', p.placed_on) + INTERVAL 12 MONTH)::DATE <= coverage.last_full_month
)

SELECT
    month,
    wijk_code,
    count(*)::DOUBLE AS value
FROM untraced
GROUP BY month, wijk_code
