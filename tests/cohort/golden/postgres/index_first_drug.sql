-- members
WITH idx AS (
  SELECT
    e.cancer_id,
    MIN(e.administration_date) AS index_date
  FROM drug_administration AS e
  WHERE
    NOT e.cancer_id IS NULL
    AND (
      SUBSTRING(e.atc_code FROM 1 FOR 5) = 'L01FF'
      OR SUBSTRING(e.atc_code FROM 1 FOR 5) = 'L01FD'
    )
  GROUP BY
    e.cancer_id
), cand AS (
  SELECT
    cv.*
  FROM cohort_variables AS cv
  LEFT JOIN idx AS idx
    ON idx.cancer_id = cv.cancer_id
  WHERE
    NOT idx.index_date IS NULL
    AND (
      NOT cv.death_date IS NULL
      AND NOT idx.index_date IS NULL
      AND cv.death_date >= idx.index_date
      AND cv.death_date <= (
        idx.index_date + INTERVAL '1095 DAY'
      )
    )
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
      SUBSTRING(e.atc_code FROM 1 FOR 5) = 'L01FF'
      OR SUBSTRING(e.atc_code FROM 1 FOR 5) = 'L01FD'
    )
  GROUP BY
    e.cancer_id
), cand AS (
  SELECT
    cv.*
  FROM cohort_variables AS cv
  LEFT JOIN idx AS idx
    ON idx.cancer_id = cv.cancer_id
  WHERE
    NOT idx.index_date IS NULL
    AND (
      NOT cv.death_date IS NULL
      AND NOT idx.index_date IS NULL
      AND cv.death_date >= idx.index_date
      AND cv.death_date <= (
        idx.index_date + INTERVAL '1095 DAY'
      )
    )
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
      SUBSTRING(e.atc_code FROM 1 FOR 5) = 'L01FF'
      OR SUBSTRING(e.atc_code FROM 1 FOR 5) = 'L01FD'
    )
  GROUP BY
    e.cancer_id
)
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
        NOT idx.index_date IS NULL
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
        NOT idx.index_date IS NULL
      )
      AND (
        NOT cv.death_date IS NULL
        AND NOT idx.index_date IS NULL
        AND cv.death_date >= idx.index_date
        AND cv.death_date <= (
          idx.index_date + INTERVAL '1095 DAY'
        )
      )
      THEN cv.patient_id
    END
  ) AS n_2
FROM cohort_variables AS cv
LEFT JOIN idx AS idx
  ON idx.cancer_id = cv.cancer_id;
