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
peer: bijstand_per_10000  # compared across municipalities (queries/population.yaml)
sources: [benefit_spells]
drivers: [uitstroom_werk_scholing, plaatsingen_vanuit_bijstand]
---*/

-- The month-end level, counted in people (a couple counts as two): built once for both social-assistance stocks in
-- queries/_staging/stg_bijstand_stand.sql (the month spine from the first recorded end, spells of one
-- unit merged, a benefit ending on the last day counted in that month).
SELECT
    month,
    wijk_code,
    value
FROM stg_bijstand_stand
WHERE counted = 'personen'
