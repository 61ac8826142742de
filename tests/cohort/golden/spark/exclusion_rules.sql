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
    cv.patient_id
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT cv.diagnosis_date IS NULL
    AND (
      NOT cv.topography_3char IS NULL AND (
        cv.topography_3char = 'C50'
      )
    )
    AND NOT (
      NOT cv.metastatic_at_diagnosis IS NULL
      AND (
        cv.metastatic_at_diagnosis = TRUE
      )
    )
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
), ev_1 AS (
  SELECT
    e.patient_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM (
    SELECT
      e.patient_id,
      e.cancer_id AS cancer_id,
      e.administration_date AS event_date
    FROM drug_administration AS e
    WHERE
      NOT e.atc_code IS NULL AND (
        SUBSTRING(e.atc_code, 1, 5) = 'L01FD'
      )
  ) AS e
  WHERE
    NOT e.patient_id IS NULL
    AND e.patient_id IN (
      SELECT
        patient_id
      FROM cand
    )
  GROUP BY
    e.patient_id
)
SELECT
  cv.patient_id,
  cv.cancer_id,
  cv.diagnosis_date AS index_date
FROM cand AS cv
LEFT JOIN ev_1 AS ev_1
  ON ev_1.k = cv.patient_id
WHERE
  NOT (
    NOT ev_1.n IS NULL
  );
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
    cv.patient_id
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT cv.diagnosis_date IS NULL
    AND (
      NOT cv.topography_3char IS NULL AND (
        cv.topography_3char = 'C50'
      )
    )
    AND NOT (
      NOT cv.metastatic_at_diagnosis IS NULL
      AND (
        cv.metastatic_at_diagnosis = TRUE
      )
    )
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
), ev_1 AS (
  SELECT
    e.patient_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM (
    SELECT
      e.patient_id,
      e.cancer_id AS cancer_id,
      e.administration_date AS event_date
    FROM drug_administration AS e
    WHERE
      NOT e.atc_code IS NULL AND (
        SUBSTRING(e.atc_code, 1, 5) = 'L01FD'
      )
  ) AS e
  WHERE
    NOT e.patient_id IS NULL
    AND e.patient_id IN (
      SELECT
        patient_id
      FROM cand
    )
  GROUP BY
    e.patient_id
)
SELECT
  COUNT(*) AS n
FROM (
  SELECT DISTINCT
    cv.patient_id
  FROM cand AS cv
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.patient_id
  WHERE
    NOT (
      NOT ev_1.n IS NULL
    )
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
    e.patient_id AS k,
    COUNT(*) AS n,
    MIN(e.event_date) AS d
  FROM (
    SELECT
      e.patient_id,
      e.cancer_id AS cancer_id,
      e.administration_date AS event_date
    FROM drug_administration AS e
    WHERE
      NOT e.atc_code IS NULL AND (
        SUBSTRING(e.atc_code, 1, 5) = 'L01FD'
      )
  ) AS e
  WHERE
    NOT e.patient_id IS NULL
  GROUP BY
    e.patient_id
)
SELECT
  COUNT(a.s_0) AS n_0,
  COUNT(a.s_1) AS n_1,
  COUNT(a.s_2) AS n_2,
  COUNT(a.s_3) AS n_3,
  COUNT(a.s_4) AS n_4
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
          NOT cv.topography_3char IS NULL AND (
            cv.topography_3char = 'C50'
          )
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
          NOT cv.topography_3char IS NULL AND (
            cv.topography_3char = 'C50'
          )
        )
        AND (
          NOT (
            NOT cv.metastatic_at_diagnosis IS NULL
            AND (
              cv.metastatic_at_diagnosis = TRUE
            )
          )
        )
        THEN 1
      END
    ) AS s_3,
    MAX(
      CASE
        WHEN (
          cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
        )
        AND (
          NOT cv.diagnosis_date IS NULL
        )
        AND (
          NOT cv.topography_3char IS NULL AND (
            cv.topography_3char = 'C50'
          )
        )
        AND (
          NOT (
            NOT cv.metastatic_at_diagnosis IS NULL
            AND (
              cv.metastatic_at_diagnosis = TRUE
            )
          )
        )
        AND (
          NOT (
            NOT ev_1.n IS NULL
          )
        )
        THEN 1
      END
    ) AS s_4
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  LEFT JOIN ev_1 AS ev_1
    ON ev_1.k = cv.patient_id
  WHERE
    NOT cv.patient_id IS NULL
  GROUP BY
    cv.patient_id
) AS a;
