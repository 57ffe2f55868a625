/*---
title: {nl: Huishoudens bereikt na een vroegsignaal, en: Households reached after an early-warning signal}
description:
  nl: >-
    Eenheid: huishouden. Van de huishoudens met een vroegsignaal (betalingsachterstand gemeld
    door een partner) het aandeel dat bereikt is: contactresultaat 'bereikt' of 'geweigerd' (een
    huishouden dat hulp weigert is wel bereikt en zei nee). Geteld in de maand waarin het signaal
    binnenkwam. Noemer: de huishoudens met een signaal, één keer per periode en gebied; een
    huishouden telt als bereikt als minstens één van zijn signalen in de periode tot contact
    leidde. Niet geteld: huishoudens die op de signaaldatum al een lopend schuldhulptraject
    hadden (die zijn al in beeld; vroegsignalen_al_in_schuldhulp telt ze apart). Signalen van de
    laatste weken zijn nog niet allemaal opgevolgd: de laatste maand is voorlopig. Omdat een
    huishouden één keer per periode telt en bereikt is als één signaal tot contact leidde, kan
    het aandeel over twaalf maanden hoger zijn dan in elk kwartaal daarvan (een huishouden dat in
    het ene kwartaal niet en in het andere wel bereikt werd, telt over het jaar als bereikt). De
    trechter meet iets anders: of een huishouden binnen 24 maanden na de signaalmaand bereikt werd.
  en: >-
    Unit: household. Of the households with an early-warning signal (payment arrears reported by
    a partner), the share reached: contact result 'bereikt' or 'geweigerd' (a household that
    declines help was reached and said no). Counted in the month the signal came in.
    Denominator: the households with a signal, once per period and area; a household counts as
    reached when at least one of its signals in the period led to contact. Not counted:
    households that already had a running debt-help case on the signal date (they are already
    known; vroegsignalen_al_in_schuldhulp counts them separately). Signals of the last weeks
    have not all been followed up: the latest month is provisional. As a household counts once
    per period and is reached when one signal led to contact, the share over twelve months can be
    higher than in each of its quarters (a household not reached in one quarter and reached in
    another counts as reached over the year). The funnel measures something else: whether a
    household was reached within 24 months after the signal month.
basis:
  nl: "Wgs (vroegsignalering, sinds 2021) en Besluit gemeentelijke schuldhulpverlening (vroegsignalering); bereik per huishouden"
  en: "Wgs (early warning, since 2021) and Besluit gemeentelijke schuldhulpverlening (early warning); reach per household"
kind: output
programme: schulden
measure: distinct_ratio
unit: '%'
direction: up
sources: [early_signals, debt_cases]
provisional_months: 1
dimensions: [partner, partner_name]
---*/

-- A household that is already in debt help gets no early-warning approach: leave it out here,
-- and count it in vroegsignalen_al_in_schuldhulp. Open on the signal date: registered by then
-- and not ended before it (the same rule as huishoudens_in_schuldhulp).
WITH already_helped AS (
    SELECT DISTINCT s.signal_id
    FROM early_signals AS s
    INNER JOIN debt_cases AS c
        ON c.household_id = s.household_id
       AND c.registered_on <= s.received_on
       AND (c.ended_on IS NULL OR c.ended_on >= s.received_on)
),

-- By month received, not month contacted: the question is what share of the households
-- signalled got a conversation, and that must not move when contact is late.
-- 'geweigerd' is reached too: the household was spoken to and declined. Null (not yet
-- contacted) is not reached; the latest month is therefore provisional.
signals AS (
    SELECT
        date_trunc('month', s.received_on)::DATE AS month,
        s.wijk_code,
        s.household_id AS key,
        s.partner,
        s.partner_name,
        coalesce(s.contact_result IN ('bereikt', 'geweigerd'), false) AS numerator
    FROM early_signals AS s
    LEFT JOIN already_helped AS h ON h.signal_id = s.signal_id
    WHERE h.signal_id IS NULL
)

-- Split by partner: a household signalled by two partners in one period counts once, with the
-- partner of its latest signal there (as it counts in the wijk of its latest signal).
SELECT month, wijk_code, key, numerator, partner, partner_name
FROM signals
