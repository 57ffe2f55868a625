/*---
title: {nl: Eerste gesprek binnen de wettelijke termijn, en: First interview within the legal term}
description:
  nl: >-
    Eenheid: aanmelding (verzoek om schuldhulp; één schuldhulptraject). Het aandeel aanmeldingen
    waarbij het eerste gesprek plaatsvond binnen de termijn van de Wgs: vier weken (28 dagen) na de
    aanmelding, of drie werkdagen bij een dreigende huisuitzetting, afsluiting van energie of
    water of beëindiging van de zorgverzekering (urgent). Werkdagen: maandag tot en met vrijdag
    behalve de feestdagen van de Algemene termijnenwet (monitor/workdays.py); de dag van
    aanmelding telt niet mee. Eindigen de vier weken op een zaterdag, zondag of feestdag, dan loopt
    de termijn door tot de eerstvolgende werkdag (Algemene termijnenwet art. 1). Geteld in de maand
    van aanmelding. Noemer: de aanmeldingen waarvan
    het gesprek al plaatsvond of de termijn al voorbij is. Een aanmelding zonder gesprek telt als
    te laat zodra de termijn voorbij is (niet weggelaten); zonder gesprek en met een lopende
    termijn telt ze nog niet mee.
  en: >-
    Unit: request (a request for debt help; one debt-help case). The share of requests whose first
    interview took place within the term of the Wgs: four weeks (28 days) after the request, or
    three working days when there is a threat of eviction, of cutting off energy or water, or of
    ending the health insurance (urgent). Working days: Monday to Friday except the holidays of
    the Algemene termijnenwet (monitor/workdays.py); the day of the request does not count. Four
    weeks that end on a Saturday, Sunday or public holiday run on to the next working day
    (Algemene termijnenwet art. 1). Counted in the month of the request. Denominator: the requests whose interview has taken
    place or whose term is over. A request without an interview counts as late as soon as its
    term is over (not dropped); without an interview and within its term it is not counted yet.
basis:
  nl: "Wgs art. 4 (eerste gesprek binnen vier weken; drie werkdagen bij bedreigende schulden); werkdagen: Algemene termijnenwet art. 3"
  en: "Wgs art. 4 (first interview within four weeks; three working days for threatening debts); working days: Algemene termijnenwet art. 3"
provisional_months: 1  # requests of the last month whose term still runs are not decided yet
kind: outcome
programme: schulden
measure: ratio
unit: '%'
direction: up
sources: [debt_cases, workdays]
drivers: [dagen_tot_eerste_gesprek, schuldhulp_aanmeldingen]
---*/

-- The latest date the extract knows: a term is "over" only when the data run past its last day.
WITH as_of AS (
    SELECT greatest(max(registered_on), max(first_interview_on), max(started_on), max(ended_on)) AS last_day
    FROM debt_cases
),

-- Working days numbered in order (a running count), so "the third working day after d" is an
-- equi-join on that number instead of a walk through the calendar.
numbered AS (
    SELECT
        day,
        working_day,
        sum(working_day::INTEGER) OVER (ORDER BY day) AS nr
    FROM workdays
),

-- The last day of each request's term: 28 calendar days, or the third working day after the
-- request for an urgent one (the request day itself does not count, even on a working day).
-- A four-week term that ends on a Saturday, Sunday or public holiday runs on to the next working
-- day (Algemene termijnenwet art. 1): `nr` of a day off is that of the working day before it, so
-- the next working day is nr + 1.
terms AS (
    SELECT
        c.case_id,
        c.wijk_code,
        c.registered_on,
        c.first_interview_on,
        CASE WHEN c.urgent THEN deadline.day
             ELSE coalesce(four_weeks_on.day, c.registered_on + 28) END AS term_end
    FROM debt_cases AS c
    LEFT JOIN numbered AS request_day
        ON request_day.day = c.registered_on
    LEFT JOIN numbered AS deadline
        ON deadline.working_day AND deadline.nr = request_day.nr + 3
    LEFT JOIN numbered AS four_weeks
        ON four_weeks.day = c.registered_on + 28
    LEFT JOIN numbered AS four_weeks_on
        ON four_weeks_on.working_day
       AND four_weeks_on.nr = four_weeks.nr + CASE WHEN four_weeks.working_day THEN 0 ELSE 1 END
),

-- Decided: the interview took place (in time or late), or the term is over without one (late).
-- Still open (no interview, term running) is left out until it is decided.
decided AS (
    SELECT
        date_trunc('month', t.registered_on)::DATE AS month,
        t.wijk_code,
        t.first_interview_on IS NOT NULL AND t.first_interview_on <= t.term_end AS in_time
    FROM terms AS t
    CROSS JOIN as_of
    WHERE t.term_end IS NOT NULL
      AND (t.first_interview_on IS NOT NULL OR t.term_end < as_of.last_day)
)

SELECT
    month,
    wijk_code,
    count(*) FILTER (WHERE in_time)::DOUBLE AS value,
    count(*)::DOUBLE AS denominator
FROM decided
GROUP BY month, wijk_code
