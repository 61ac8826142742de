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
      CASE WHEN NOT cv.smoking IS NULL AND (
        cv.smoking = 'Y'
      ) THEN 1 ELSE 0 END + CASE
        WHEN NOT cv.age_at_diagnosis IS NULL AND (
          cv.age_at_diagnosis >= 65
        )
        THEN 1
        ELSE 0
      END + CASE
        WHEN NOT cv.ps_at_diagnosis IS NULL AND (
          cv.ps_at_diagnosis >= 2
        )
        THEN 1
        ELSE 0
      END
    ) >= 2
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
)
SELECT
  cv.patient_id,
  cv.cancer_id,
  cv.diagnosis_date AS index_date
FROM cand AS cv;
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
      CASE WHEN NOT cv.smoking IS NULL AND (
        cv.smoking = 'Y'
      ) THEN 1 ELSE 0 END + CASE
        WHEN NOT cv.age_at_diagnosis IS NULL AND (
          cv.age_at_diagnosis >= 65
        )
        THEN 1
        ELSE 0
      END + CASE
        WHEN NOT cv.ps_at_diagnosis IS NULL AND (
          cv.ps_at_diagnosis >= 2
        )
        THEN 1
        ELSE 0
      END
    ) >= 2
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
)
SELECT
  COUNT(*) AS n
FROM (
  SELECT DISTINCT
    cv.patient_id
  FROM cand AS cv
) AS m;
-- attrition
WITH obj AS (
  SELECT
    o.patient_id
  FROM non_opposition AS o
  WHERE
    o.non_opposition = 'N'
)
SELECT
  COUNT(a.s_0) AS n_0,
  COUNT(a.s_1) AS n_1,
  COUNT(a.s_2) AS n_2
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
          (
            CASE WHEN NOT cv.smoking IS NULL AND (
              cv.smoking = 'Y'
            ) THEN 1 ELSE 0 END + CASE
              WHEN NOT cv.age_at_diagnosis IS NULL AND (
                cv.age_at_diagnosis >= 65
              )
              THEN 1
              ELSE 0
            END + CASE
              WHEN NOT cv.ps_at_diagnosis IS NULL AND (
                cv.ps_at_diagnosis >= 2
              )
              THEN 1
              ELSE 0
            END
          ) >= 2
        )
        THEN 1
      END
    ) AS s_2
  FROM cohort_variables AS cv
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT cv.patient_id IS NULL
  GROUP BY
    cv.patient_id
) AS a;
