"""oncorwd: oncology real-world data for French cancer centres.

Structure hospital data into OSIRIS RWD, convert it to OMOP CDM 5.4 and FHIR mCODE, and serve a
federated research portal. ``import oncorwd`` is cheap: heavy engines (PostgreSQL drivers,
Spark) are imported only when a store on them is opened.
"""

from oncorwd.errors import OncorwdError

__all__ = ["OncorwdError", "__version__"]
__version__ = "0.1.0"
