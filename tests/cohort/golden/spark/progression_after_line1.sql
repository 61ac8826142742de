-- members
WITH obj AS (
  SELECT
    o.patient_id
  FROM non_opposition AS o
  WHERE
    o.non_opposition = 'N'
), cand AS (
  SELECT
    cv.cancer_id,
    cv.diagnosis_date,
    cv.is_index_cancer,
    cv.patient_id
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT cv.diagnosis_date IS NULL
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
), ev_1 AS (
  SELECT
    e.cancer_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM (
    SELECT
      e.patient_id,
      e.cancer_id,
      MIN(e.administration_date) AS event_date
    FROM drug_administration AS e
    WHERE
      NOT e.treatment_line IS NULL
      AND NOT e.cancer_id IS NULL
      AND (
        NOT e.treatment_line IS NULL AND (
          e.treatment_line = 1
        )
      )
    GROUP BY
      e.patient_id,
      e.cancer_id,
      e.treatment_line
  ) AS e
  WHERE
    NOT e.cancer_id IS NULL AND e.cancer_id IN (
      SELECT
        cancer_id
      FROM cand
    )
  GROUP BY
    e.cancer_id
), ev_2 AS (
  SELECT
    cv.cancer_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM cand AS cv
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.cancer_id
  JOIN (
    SELECT
      e.patient_id,
      e.cancer_id AS cancer_id,
      e.progression_date AS event_date
    FROM progression AS e
    WHERE
      e.progression = 'Y'
  ) AS e
    ON e.patient_id = cv.patient_id
  WHERE
    cv.is_index_cancer = TRUE
    AND (
      NOT e.event_date IS NULL
      AND NOT ev_1.d IS NULL
      AND e.event_date >= ev_1.d
      AND e.event_date <= DATE_ADD(ev_1.d, 365)
    )
  GROUP BY
    cv.cancer_id
)
SELECT
  cv.patient_id,
  cv.cancer_id,
  cv.diagnosis_date AS index_date
FROM cand AS cv
LEFT JOIN ev_1 AS ev_1
  ON ev_1.k = cv.cancer_id
LEFT JOIN ev_2 AS ev_2
  ON ev_2.k = cv.cancer_id
WHERE
  NOT ev_1.n IS NULL AND NOT ev_2.n IS NULL;
-- count
WITH obj AS (
  SELECT
    o.patient_id
  FROM non_opposition AS o
  WHERE
    o.non_opposition = 'N'
), cand AS (
  SELECT
    cv.cancer_id,
    cv.diagnosis_date,
    cv.is_index_cancer,
    cv.patient_id
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT cv.diagnosis_date IS NULL
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
), ev_1 AS (
  SELECT
    e.cancer_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM (
    SELECT
      e.patient_id,
      e.cancer_id,
      MIN(e.administration_date) AS event_date
    FROM drug_administration AS e
    WHERE
      NOT e.treatment_line IS NULL
      AND NOT e.cancer_id IS NULL
      AND (
        NOT e.treatment_line IS NULL AND (
          e.treatment_line = 1
        )
      )
    GROUP BY
      e.patient_id,
      e.cancer_id,
      e.treatment_line
  ) AS e
  WHERE
    NOT e.cancer_id IS NULL AND e.cancer_id IN (
      SELECT
        cancer_id
      FROM cand
    )
  GROUP BY
    e.cancer_id
), ev_2 AS (
  SELECT
    cv.cancer_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM cand AS cv
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.cancer_id
  JOIN (
    SELECT
      e.patient_id,
      e.cancer_id AS cancer_id,
      e.progression_date AS event_date
    FROM progression AS e
    WHERE
      e.progression = 'Y'
  ) AS e
    ON e.patient_id = cv.patient_id
  WHERE
    cv.is_index_cancer = TRUE
    AND (
      NOT e.event_date IS NULL
      AND NOT ev_1.d IS NULL
      AND e.event_date >= ev_1.d
      AND e.event_date <= DATE_ADD(ev_1.d, 365)
    )
  GROUP BY
    cv.cancer_id
)
SELECT
  COUNT(*) AS n
FROM (
  SELECT DISTINCT
    cv.patient_id
  FROM cand AS cv
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.cancer_id
  LEFT JOIN ev_2 AS ev_2
    ON ev_2.k = cv.cancer_id
  WHERE
    NOT ev_1.n IS NULL AND NOT ev_2.n IS NULL
) AS m;
-- attrition
WITH obj AS (
  SELECT
    o.patient_id
  FROM non_opposition AS o
  WHERE
    o.non_opposition = 'N'
), ev_1 AS (
  SELECT
    e.cancer_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM (
    SELECT
      e.patient_id,
      e.cancer_id,
      MIN(e.administration_date) AS event_date
    FROM drug_administration AS e
    WHERE
      NOT e.treatment_line IS NULL
      AND NOT e.cancer_id IS NULL
      AND (
        NOT e.treatment_line IS NULL AND (
          e.treatment_line = 1
        )
      )
    GROUP BY
      e.patient_id,
      e.cancer_id,
      e.treatment_line
  ) AS e
  WHERE
    NOT e.cancer_id IS NULL
  GROUP BY
    e.cancer_id
), ev_2 AS (
  SELECT
    cv.cancer_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM cohort_variables AS cv
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.cancer_id
  JOIN (
    SELECT
      e.patient_id,
      e.cancer_id AS cancer_id,
      e.progression_date AS event_date
    FROM progression AS e
    WHERE
      e.progression = 'Y'
  ) AS e
    ON e.patient_id = cv.patient_id
  WHERE
    cv.is_index_cancer = TRUE
    AND (
      NOT e.event_date IS NULL
      AND NOT ev_1.d IS NULL
      AND e.event_date >= ev_1.d
      AND e.event_date <= DATE_ADD(ev_1.d, 365)
    )
  GROUP BY
    cv.cancer_id
)
SELECT
  COUNT(a.s_0) AS n_0,
  COUNT(a.s_1) AS n_1,
  COUNT(a.s_2) AS n_2,
  COUNT(a.s_3) AS n_3
FROM (
  SELECT
    MAX(CASE WHEN (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    ) THEN 1 END) AS s_0,
    MAX(
      CASE
        WHEN (
          cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
        )
        AND (
          NOT cv.diagnosis_date IS NULL
        )
        THEN 1
      END
    ) AS s_1,
    MAX(
      CASE
        WHEN (
          cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
        )
        AND (
          NOT cv.diagnosis_date IS NULL
        )
        AND (
          NOT ev_1.n IS NULL
        )
        THEN 1
      END
    ) AS s_2,
    MAX(
      CASE
        WHEN (
          cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
        )
        AND (
          NOT cv.diagnosis_date IS NULL
        )
        AND (
          NOT ev_1.n IS NULL
        )
        AND (
          NOT ev_2.n IS NULL
        )
        THEN 1
      END
    ) AS s_3
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.cancer_id
  LEFT JOIN ev_2 AS ev_2
    ON ev_2.k = cv.cancer_id
  WHERE
    NOT cv.patient_id IS NULL
  GROUP BY
    cv.patient_id
) AS a;
