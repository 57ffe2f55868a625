/*---
title: {nl: Personen in de bijstand, en: People on social assistance}
description:
  nl: >-
    Eenheid: persoon (niet de uitkering: een paar met één uitkering telt als twee personen; de
    uitkeringen telt bijstandsuitkeringen). Stand op de laatste dag van de maand: de personen
    met een lopende bijstandsuitkering (Participatiewet) op die dag, in de wijk van die
    uitkering; een uitkering die op de laatste dag eindigt telt nog mee (de einddatum is de
    laatste uitkeringsdag). Een persoon telt één keer, ook met twee lopende uitkeringsperioden.
    Geen noemer. De reeks begint in de eerste maand waarin het bestand beëindigde uitkeringen
    bevat; daarvoor ontbreken de uitkeringen die al waren gestopt en zou de stand te laag zijn.
  en: >-
    Unit: person (not the benefit: a couple with one benefit counts as two people; the benefits
    are counted by bijstandsuitkeringen). Level on the last day of the month: the people with a
    running social-assistance benefit (Participatiewet) on that day, in the wijk of that benefit;
    a benefit ending on the last day still counts (the end date is the last benefit day). A
    person counts once, even with two running spells. No denominator. The series starts in the
    first month in which the extract holds ended benefits; before that the benefits already
    ended are missing and the level would read too low.
basis:
  nl: "Participatiewet; CBS Personen met bijstand (StatLine 85585NED): personen, een paar telt als twee"
  en: "Participatiewet; CBS People on social assistance (StatLine 85585NED): people, a couple counts as two"
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

-- Overlapping spells of one person are merged into one stretch on benefit (gaps and islands),
-- so that the running sum below counts each person once however many spells overlap. A new
-- stretch starts when a spell starts after every earlier spell has ended.
ordered AS (
    SELECT
        person_id AS unit_id,
        spell_id,
        wijk_code,
        started_on,
        ended_on,
        max(coalesce(ended_on, DATE '9999-12-31')) OVER (
            PARTITION BY person_id ORDER BY started_on, spell_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
    FROM benefit_spells
),

numbered AS (
    SELECT
        *,
        sum(CASE WHEN earlier_end IS NULL OR started_on > earlier_end THEN 1 ELSE 0 END) OVER (
            PARTITION BY unit_id ORDER BY started_on, spell_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stretch
    FROM ordered
),

-- One row per stretch, in the wijk of its latest spell (where the person was last known).
stretches AS (
    SELECT
        unit_id,
        arg_max(wijk_code, started_on) AS wijk_code,
        min(started_on) AS started_on,
        CASE WHEN bool_or(ended_on IS NULL) THEN NULL ELSE max(ended_on) END AS ended_on
    FROM numbered
    GROUP BY unit_id, stretch
),

-- The level on the last day of a month is a running sum: +1 in the month a stretch starts, -1 in
-- the month after its last day (ended_on is the last benefit day, so a stretch ending on a month's
-- last day still counts in that month). The running sum keeps this fast (no month x spell join).
changes AS (
    SELECT date_trunc('month', started_on)::DATE AS month, wijk_code, 1 AS change
    FROM stretches
    UNION ALL
    SELECT date_trunc('month', ended_on + INTERVAL 1 DAY)::DATE AS month, wijk_code, -1 AS change
    FROM stretches
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
