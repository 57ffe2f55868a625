/*---
title: {nl: Personen in de bijstand, en: People on social assistance}
description:
  nl: >-
    Aantal personen met een lopende bijstandsuitkering (Participatiewet) aan het eind van de
    maand (een persoon heeft één lopende uitkering tegelijk). De reeks begint in de eerste maand
    waarin het bestand beëindigde uitkeringen bevat; daarvoor ontbreken de uitkeringen die al
    waren gestopt en zou de stand te laag zijn.
  en: >-
    Number of people with a running social-assistance benefit (Participatiewet) at the end of
    the month (a person has one running benefit at a time). The series starts in the first month
    in which the extract holds ended benefits; before that the benefits already ended are
    missing and the level would read too low.
kind: outcome
programme: werk
measure: stock
unit: personen
direction: down
sources: [benefit_spells]
drivers: [uitstroom_werk_scholing, plaatsingen_vanuit_bijstand]
---*/

-- The extract lists the spells running when it starts plus every later one, so the level is
-- only complete from the first month with a recorded end; it runs to the last month in the data.
WITH coverage AS (
    SELECT
        date_trunc('month', min(ended_on))::DATE AS first_month,
        date_trunc('month', greatest(max(started_on), max(ended_on)))::DATE AS last_month
    FROM benefit_spells
),

-- A month spine: a wijk where nobody is on benefit reads 0, not a gap.
months AS (
    SELECT month::DATE AS month
    FROM coverage, generate_series(first_month, last_month, INTERVAL 1 MONTH) AS spine(month)
),

wijken AS (
    SELECT DISTINCT wijk_code FROM benefit_spells
),

-- The level is a running sum: each spell adds one from the month it starts and takes one off in
-- the month it ends (a spell ending in a month no longer runs at that month's end, the month in
-- which uitstroom_werk_scholing counts it). A person has one running spell at a time, so spells
-- are people; the running sum, instead of joining every month to every spell, keeps this fast.
changes AS (
    SELECT date_trunc('month', started_on)::DATE AS month, wijk_code, 1 AS change
    FROM benefit_spells
    UNION ALL
    SELECT date_trunc('month', ended_on)::DATE AS month, wijk_code, -1 AS change
    FROM benefit_spells
    WHERE ended_on IS NOT NULL
),

-- Changes from before the first month are booked in the first month: together they are the
-- level the series opens with.
net_changes AS (
    SELECT
        greatest(c.month, coverage.first_month) AS month,
        c.wijk_code,
        sum(c.change) AS change
    FROM changes AS c
    CROSS JOIN coverage
    GROUP BY ALL
)

SELECT
    m.month,
    w.wijk_code,
    sum(coalesce(n.change, 0)) OVER (PARTITION BY w.wijk_code ORDER BY m.month)::DOUBLE AS value
FROM months AS m
CROSS JOIN wijken AS w
LEFT JOIN net_changes AS n
    ON n.month = m.month AND n.wijk_code = w.wijk_code
