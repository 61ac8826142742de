-- members
WITH cand AS (
  SELECT
    cv.*
  FROM cohort_variables AS cv
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
      cv.is_index_cancer = TRUE
      AND NOT EXISTS(
        SELECT
          1
        FROM non_opposition AS o
        WHERE
          o.patient_id = cv.patient_id AND o.non_opposition = 'N'
      )
    )
)
SELECT
  cv.patient_id,
  cv.cancer_id,
  cv.diagnosis_date AS index_date
FROM cand AS cv;
-- count
WITH cand AS (
  SELECT
    cv.*
  FROM cohort_variables AS cv
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
      cv.is_index_cancer = TRUE
      AND NOT EXISTS(
        SELECT
          1
        FROM non_opposition AS o
        WHERE
          o.patient_id = cv.patient_id AND o.non_opposition = 'N'
      )
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
SELECT
  COUNT(
    DISTINCT CASE
      WHEN (
        cv.is_index_cancer = TRUE
        AND NOT EXISTS(
          SELECT
            1
          FROM non_opposition AS o
          WHERE
            o.patient_id = cv.patient_id AND o.non_opposition = 'N'
        )
      )
      THEN cv.patient_id
    END
  ) AS n_0,
  COUNT(
    DISTINCT CASE
      WHEN (
        cv.is_index_cancer = TRUE
        AND NOT EXISTS(
          SELECT
            1
          FROM non_opposition AS o
          WHERE
            o.patient_id = cv.patient_id AND o.non_opposition = 'N'
        )
      )
      AND (
        NOT cv.diagnosis_date IS NULL
      )
      THEN cv.patient_id
    END
  ) AS n_1,
  COUNT(
    DISTINCT CASE
      WHEN (
        cv.is_index_cancer = TRUE
        AND NOT EXISTS(
          SELECT
            1
          FROM non_opposition AS o
          WHERE
            o.patient_id = cv.patient_id AND o.non_opposition = 'N'
        )
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
      THEN cv.patient_id
    END
  ) AS n_2
FROM cohort_variables AS cv;
