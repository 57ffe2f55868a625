/*---
title: {nl: Dagen tot het eerste gesprek, en: Days to the first interview}
description:
  nl: >-
    Gemiddeld aantal dagen tussen aanmelding en eerste gesprek, voor de eerste gesprekken in de
    maand. Wettelijk moet het eerste gesprek binnen vier weken (acuut: drie dagen) plaatsvinden.
  en: >-
    Average number of days between registration and the first interview, over the first
    interviews held in the month. By law the first interview takes place within four weeks
    (three days when urgent).
kind: output
programme: schulden
measure: ratio
unit: dagen
direction: down
sources: [debt_cases]
numerator_is_people: false
---*/

-- Counted in the month of the interview, not of the registration: by registration month
-- the recent months would only hold the quick interviews (the slow ones have not happened
-- yet) and the waiting time would look better than it is.
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
