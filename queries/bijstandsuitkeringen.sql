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

-- Complete from the first month with a recorded end, as in bijstand_personen.
WITH coverage AS (
    SELECT
        date_trunc('month', min(ended_on))::DATE AS first_month,
        date_trunc('month', greatest(max(started_on), max(ended_on)))::DATE AS last_month
    FROM benefit_spells
),

-- A month spine with each month's last day: empty wijken read 0, not a gap.
months AS (
    SELECT
        month::DATE AS month,
        last_day(month::DATE) AS month_end
    FROM coverage, generate_series(first_month, last_month, INTERVAL 1 MONTH) AS spine(month)
),

wijken AS (
    SELECT DISTINCT wijk_code FROM benefit_spells
),

-- Running on the last day, as in bijstand_personen; the partners of a couple share one
-- benefit_unit_id, so counting distinct ids counts benefits.
running AS (
    SELECT
        m.month,
        s.wijk_code,
        count(DISTINCT s.benefit_unit_id) AS benefits
    FROM months AS m
    INNER JOIN benefit_spells AS s
        ON s.started_on <= m.month_end
       AND (s.ended_on IS NULL OR s.ended_on >= m.month_end)
    GROUP BY m.month, s.wijk_code
)

SELECT
    m.month,
    w.wijk_code,
    coalesce(r.benefits, 0)::DOUBLE AS value
FROM months AS m
CROSS JOIN wijken AS w
LEFT JOIN running AS r
    ON r.month = m.month AND r.wijk_code = w.wijk_code
