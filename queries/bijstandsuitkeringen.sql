/*---
title: {nl: Bijstandsuitkeringen, en: Social-assistance benefits}
description:
  nl: >-
    Eenheid: uitkering (leefeenheid: een alleenstaande, een alleenstaande ouder of een paar met
    één uitkering; een paar telt als één uitkering). Stand op de laatste dag van de maand: de
    lopende bijstandsuitkeringen (Participatiewet) op die dag, in de wijk van de uitkering; een
    uitkering die op de laatste dag eindigt telt nog mee. Geen noemer. De personen telt
    bijstand_personen. De reeks begint in de eerste maand waarin het bestand beëindigde
    uitkeringen bevat, zoals bijstand_personen.
  en: >-
    Unit: benefit (benefit unit: a single person, a single parent or a couple with one benefit;
    a couple counts as one benefit). Level on the last day of the month: the running
    social-assistance benefits (Participatiewet) on that day, in the wijk of the benefit; a
    benefit ending on the last day still counts. No denominator. The people are counted by
    bijstand_personen. The series starts in the first month in which the extract holds ended
    benefits, as bijstand_personen does.
basis:
  nl: "Participatiewet; CBS Bijstandsuitkeringen (StatLine 82015NED): een uitkering aan een paar telt als één uitkering"
  en: "Participatiewet; CBS Social-assistance benefits (StatLine 82015NED): a benefit to a couple counts as one benefit"
kind: context
programme: werk
measure: stock
unit: uitkeringen
direction: none
sources: [benefit_spells]
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

-- Overlapping spells of one benefit are merged into one stretch on benefit (gaps and islands),
-- so that the running sum below counts each benefit once however many spells overlap. A new
-- stretch starts when a spell starts after every earlier spell has ended.
ordered AS (
    SELECT
        benefit_unit_id AS unit_id,
        spell_id,
        wijk_code,
        started_on,
        ended_on,
        max(coalesce(ended_on, DATE '9999-12-31')) OVER (
            PARTITION BY benefit_unit_id ORDER BY started_on, spell_id
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

-- One row per stretch, in the wijk of its latest spell (where the benefit was last known).
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
