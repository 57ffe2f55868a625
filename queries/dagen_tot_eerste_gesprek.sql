/*---
title: {nl: Gemiddelde wachttijd tot het eerste gesprek, en: Average waiting time to the first interview}
description:
  nl: >-
    Eenheid: aanmelding (verzoek om schuldhulp). Het gemiddelde aantal kalenderdagen tussen de
    aanmelding en het eerste gesprek, geteld in de maand van het gesprek (per maand van aanmelding
    zouden recente maanden alleen de snelle gesprekken bevatten). Noemer: het aantal eerste
    gesprekken in de maand. Een gemiddelde, geen mediaan: een mediaan laat zich niet optellen over
    wijken en maanden, een gemiddelde wel (totaal aantal dagen gedeeld door aantal gesprekken).
    Niet geteld: aanmeldingen zonder gesprek (die telt eerste_gesprek_binnen_termijn_pct als te
    laat zodra de termijn voorbij is).
  en: >-
    Unit: request (a request for debt help). The average number of calendar days between the
    request and the first interview, counted in the month of the interview (by month of request,
    recent months would only hold the quick interviews). Denominator: the number of first
    interviews in the month. A mean, not a median: a median does not add up over wijken and
    months, a mean does (total days divided by interviews). Not counted: requests without an
    interview (eerste_gesprek_binnen_termijn_pct counts them as late once the term is over).
basis:
  nl: "Wgs art. 4 (termijn eerste gesprek); wachttijd zoals het beleidsplan schuldhulpverlening die moet noemen (Wgs art. 2)"
  en: "Wgs art. 4 (term of the first interview); waiting time as the debt-help policy plan must state it (Wgs art. 2)"
kind: output
programme: schulden
measure: ratio
unit: dagen
direction: down
sources: [debt_cases]
numerator_is_people: false
---*/

-- Counted in the month of the interview, not of the request: by request month the recent
-- months would only hold the quick interviews (the slow ones have not happened yet) and the
-- waiting time would look better than it is.
WITH interviews AS (
    SELECT
        date_trunc('month', first_interview_on)::DATE AS month,
        wijk_code,
        datediff('day', registered_on, first_interview_on) AS days_waited
    FROM debt_cases
    WHERE first_interview_on IS NOT NULL
)

-- A ratio: total days / number of interviews, so that months and wijken roll up to a
-- true average (never an average of averages).
SELECT
    month,
    wijk_code,
    sum(days_waited)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM interviews
GROUP BY month, wijk_code
