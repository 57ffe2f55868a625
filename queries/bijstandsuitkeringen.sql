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

-- The month-end level, counted in benefits (a couple counts as one): built once for both social-assistance stocks in
-- queries/_staging/stg_bijstand_stand.sql (the month spine from the first recorded end, spells of one
-- unit merged, a benefit ending on the last day counted in that month).
SELECT
    month,
    wijk_code,
    value
FROM stg_bijstand_stand
WHERE counted = 'uitkeringen'
