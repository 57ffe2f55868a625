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

-- A month spine with each month's last day: a wijk where nobody is on benefit reads 0, not a gap.
months AS (
    SELECT
        month::DATE AS month,
        last_day(month::DATE) AS month_end
    FROM coverage, generate_series(first_month, last_month, INTERVAL 1 MONTH) AS spine(month)
),

wijken AS (
    SELECT DISTINCT wijk_code FROM benefit_spells
),

-- On benefit on the last day: started by then and ended on or after it (ended_on is the last
-- benefit day). Count people, not spells, so that two overlapping spells of one person count once.
on_benefit AS (
    SELECT
        m.month,
        s.wijk_code,
        count(DISTINCT s.person_id) AS people
    FROM months AS m
    INNER JOIN benefit_spells AS s
        ON s.started_on <= m.month_end
       AND (s.ended_on IS NULL OR s.ended_on >= m.month_end)
    GROUP BY m.month, s.wijk_code
)

SELECT
    m.month,
    w.wijk_code,
    coalesce(b.people, 0)::DOUBLE AS value
FROM months AS m
CROSS JOIN wijken AS w
LEFT JOIN on_benefit AS b
    ON b.month = m.month AND b.wijk_code = w.wijk_code
