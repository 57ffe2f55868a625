/*---
description:
  nl: >-
    De stand van de bijstand op de laatste dag van elke maand, per wijk, twee keer geteld: in personen
    (counted = 'personen') en in uitkeringen, een paar als één (counted = 'uitkeringen'). Een uitkering
    die op de laatste dag eindigt telt nog mee; overlappende perioden van dezelfde persoon of uitkering
    tellen één keer. Elke maand van de eerste maand met een beëindigde uitkering tot de laatste maand in
    de gegevens, elke wijk, ook met 0. Gelezen door bijstand_personen en bijstandsuitkeringen.
  en: >-
    The social-assistance level on the last day of every month, per wijk, counted twice: in people
    (counted = 'personen') and in benefits, a couple as one (counted = 'uitkeringen'). A benefit ending
    on the last day still counts; overlapping spells of the same person or benefit count once. Every
    month from the first month with an ended benefit to the last month in the data, every wijk, zeros
    included. Read by bijstand_personen and bijstandsuitkeringen.
sources: [benefit_spells]
---*/

-- Why a staging table: people and benefits are the same month-end level of the same spells, only
-- the id that makes a stretch on benefit differs (a couple is two people and one benefit). Written
-- once, so the two indicators cannot drift apart.

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

-- What is counted: each spell once per unit, under the id that unit goes by. Not materialised:
-- each use below reads the extract again, which at scale is faster than holding both copies.
units AS NOT MATERIALIZED (
    SELECT 'personen' AS counted, person_id AS unit_id, spell_id, wijk_code, started_on, ended_on
    FROM benefit_spells
    UNION ALL
    SELECT 'uitkeringen' AS counted, benefit_unit_id AS unit_id, spell_id, wijk_code, started_on, ended_on
    FROM benefit_spells
),

-- Most units have one spell, which is its own stretch on benefit: only the units with more
-- are put in order below (a unit id matched as GROUP BY and PARTITION BY match it, a null as a
-- null). Finding them groups ids alone, without carrying each spell's columns along.
repeated AS (
    SELECT counted, unit_id
    FROM units
    GROUP BY counted, unit_id
    HAVING count(*) > 1
),

several AS (
    SELECT u.*
    FROM units AS u
    SEMI JOIN repeated AS r
        ON r.counted = u.counted AND r.unit_id IS NOT DISTINCT FROM u.unit_id
),

-- Overlapping spells of one unit are merged into one stretch on benefit (gaps and islands),
-- so that the running sum below counts each person or benefit once however many spells overlap.
-- A new stretch starts when a spell starts after every earlier spell has ended.
ordered AS (
    SELECT
        *,
        max(coalesce(ended_on, DATE '9999-12-31')) OVER (
            PARTITION BY counted, unit_id ORDER BY started_on, spell_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
    FROM several
),

numbered AS (
    SELECT
        *,
        sum(CASE WHEN earlier_end IS NULL OR started_on > earlier_end THEN 1 ELSE 0 END) OVER (
            PARTITION BY counted, unit_id ORDER BY started_on, spell_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stretch
    FROM ordered
),

-- One row per stretch, in the wijk of its latest spell (where the unit was last known).
stretches AS (
    SELECT u.counted, u.wijk_code, u.started_on, u.ended_on
    FROM units AS u
    ANTI JOIN repeated AS r
        ON r.counted = u.counted AND r.unit_id IS NOT DISTINCT FROM u.unit_id
    UNION ALL
    SELECT
        counted,
        arg_max(wijk_code, started_on) AS wijk_code,
        min(started_on) AS started_on,
        CASE WHEN bool_or(ended_on IS NULL) THEN NULL ELSE max(ended_on) END AS ended_on
    FROM numbered
    GROUP BY counted, unit_id, stretch
),

-- The level on the last day of a month is a running sum: +1 in the month a stretch starts, -1 in
-- the month after its last day (ended_on is the last benefit day, so a stretch ending on a month's
-- last day still counts in that month). The running sum keeps this fast (no month x spell join).
-- Both changes of a stretch come from one pass over the stretches (two rows each).
changes AS (
    SELECT
        s.counted,
        CASE WHEN e.change = 1 THEN date_trunc('month', s.started_on)
             ELSE date_trunc('month', s.ended_on + INTERVAL 1 DAY) END::DATE AS month,
        s.wijk_code,
        e.change
    FROM stretches AS s
    CROSS JOIN (VALUES (1), (-1)) AS e(change)
    WHERE e.change = 1 OR s.ended_on IS NOT NULL
),

-- Changes from before the first month are booked in the first month: together they are the
-- level the series opens with.
net_changes AS (
    SELECT
        c.counted,
        greatest(c.month, coverage.first_month) AS month,
        c.wijk_code,
        sum(c.change) AS change
    FROM changes AS c
    CROSS JOIN coverage
    GROUP BY ALL
)

-- One row per counted x month x wijk.
SELECT
    k.counted,
    m.month,
    w.wijk_code,
    sum(coalesce(n.change, 0)) OVER (
        PARTITION BY k.counted, w.wijk_code ORDER BY m.month)::DOUBLE AS value
FROM (VALUES ('personen'), ('uitkeringen')) AS k(counted)
CROSS JOIN months AS m
CROSS JOIN wijken AS w
LEFT JOIN net_changes AS n
    ON n.counted = k.counted AND n.month = m.month AND n.wijk_code = w.wijk_code
