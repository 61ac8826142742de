-- members
WITH idx AS (
  SELECT
    e.cancer_id,
    MIN(e.administration_date) AS index_date
  FROM drug_administration AS e
  WHERE
    NOT e.cancer_id IS NULL
    AND (
      SUBSTRING(e.atc_code, 1, 5) = 'L01FF' OR SUBSTRING(e.atc_code, 1, 5) = 'L01FD'
    )
  GROUP BY
    e.cancer_id
), obj AS (
  SELECT
    o.patient_id
  FROM non_opposition AS o
  WHERE
    o.non_opposition = 'N'
), cand AS (
  SELECT
    cv.cancer_id,
    cv.patient_id
  FROM cohort_variables AS cv
  LEFT JOIN idx AS idx
    ON idx.cancer_id = cv.cancer_id
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT idx.index_date IS NULL
    AND (
      NOT cv.death_date IS NULL
      AND NOT idx.index_date IS NULL
      AND cv.death_date >= idx.index_date
      AND cv.death_date <= (
        idx.index_date + INTERVAL 1095 DAY
      )
    )
    AND (
      cv.is_index_cancer = TRUE AND obj.patient_id IS NULL
    )
)
SELECT
  cv.patient_id,
  cv.cancer_id,
  idx.index_date AS index_date
FROM cand AS cv
LEFT JOIN idx AS idx
  ON idx.cancer_id = cv.cancer_id;
-- count
WITH idx AS (
  SELECT
    e.cancer_id,
    MIN(e.administration_date) AS index_date
  FROM drug_administration AS e
  WHERE
    NOT e.cancer_id IS NULL
    AND (
      SUBSTRING(e.atc_code, 1, 5) = 'L01FF' OR SUBSTRING(e.atc_code, 1, 5) = 'L01FD'
    )
  GROUP BY
    e.cancer_id
), obj AS (
  SELECT
    o.patient_id
  FROM non_opposition AS o
  WHERE
    o.non_opposition = 'N'
), cand AS (
  SELECT
    cv.cancer_id,
    cv.patient_id
  FROM cohort_variables AS cv
  LEFT JOIN idx AS idx
    ON idx.cancer_id = cv.cancer_id
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT idx.index_date IS NULL
    AND (
      NOT cv.death_date IS NULL
      AND NOT idx.index_date IS NULL
      AND cv.death_date >= idx.index_date
      AND cv.death_date <= (
        idx.index_date + INTERVAL 1095 DAY
      )
    )
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
  LEFT JOIN idx AS idx
    ON idx.cancer_id = cv.cancer_id
) AS m;
-- attrition
WITH idx AS (
  SELECT
    e.cancer_id,
    MIN(e.administration_date) AS index_date
  FROM drug_administration AS e
  WHERE
    NOT e.cancer_id IS NULL
    AND (
      SUBSTRING(e.atc_code, 1, 5) = 'L01FF' OR SUBSTRING(e.atc_code, 1, 5) = 'L01FD'
    )
  GROUP BY
    e.cancer_id
), obj AS (
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
          NOT idx.index_date IS NULL
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
          NOT idx.index_date IS NULL
        )
        AND (
          NOT cv.death_date IS NULL
          AND NOT idx.index_date IS NULL
          AND cv.death_date >= idx.index_date
          AND cv.death_date <= (
            idx.index_date + INTERVAL 1095 DAY
          )
        )
        THEN 1
      END
    ) AS s_2
  FROM cohort_variables AS cv
  LEFT JOIN idx AS idx
    ON idx.cancer_id = cv.cancer_id
  LEFT JOIN obj AS obj
    ON obj.patient_id = cv.patient_id
  WHERE
    NOT cv.patient_id IS NULL
  GROUP BY
    cv.patient_id
) AS a;
