"""The FHIR R4 (4.0.1) core value sets that mCODE profiles bind with strength *required*.

The core specification package is not part of the mCODE package, but these small value sets are
normative, closed code lists (statuses, genders, bundle types…), transcribed here from the
R4 specification so that a wrong ``status`` is caught. Used only when the package itself does
not define the value set. Each entry: canonical URL → (code system, codes).
"""

from __future__ import annotations

__all__ = ["CORE_VALUE_SETS"]

_HL7 = "http://hl7.org/fhir/"
_THO = "http://terminology.hl7.org/CodeSystem/"

CORE_VALUE_SETS: dict[str, tuple[str, tuple[str, ...]]] = {
    _HL7 + "ValueSet/observation-status": (_HL7 + "observation-status", (
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown")),
    _HL7 + "ValueSet/identifier-use": (_HL7 + "identifier-use", (
        "usual", "official", "temp", "secondary", "old")),
    _HL7 + "ValueSet/medicationrequest-status": (_HL7 + "CodeSystem/medicationrequest-status", (
        "active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft",
        "unknown")),
    _HL7 + "ValueSet/medicationrequest-intent": (_HL7 + "CodeSystem/medicationrequest-intent", (
        "proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
        "instance-order", "option")),
    _HL7 + "ValueSet/administrative-gender": (_HL7 + "administrative-gender", (
        "male", "female", "other", "unknown")),
    _HL7 + "ValueSet/specimen-status": (_HL7 + "specimen-status", (
        "available", "unavailable", "unsatisfactory", "entered-in-error")),
    _HL7 + "ValueSet/condition-clinical": (_THO + "condition-clinical", (
        "active", "recurrence", "relapse", "inactive", "remission", "resolved")),
    _HL7 + "ValueSet/condition-ver-status": (_THO + "condition-ver-status", (
        "unconfirmed", "provisional", "differential", "confirmed", "refuted",
        "entered-in-error")),
    _HL7 + "ValueSet/medication-admin-status": (_THO + "medication-admin-status", (
        "in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped",
        "unknown")),
    _HL7 + "ValueSet/event-status": (_HL7 + "event-status", (
        "preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
        "entered-in-error", "unknown")),
    _HL7 + "ValueSet/diagnostic-report-status": (_HL7 + "diagnostic-report-status", (
        "registered", "partial", "preliminary", "final", "amended", "corrected", "appended",
        "cancelled", "entered-in-error", "unknown")),
    _HL7 + "ValueSet/bundle-type": (_HL7 + "bundle-type", (
        "document", "message", "transaction", "transaction-response", "batch",
        "batch-response", "history", "searchset", "collection")),
    _HL7 + "ValueSet/group-type": (_HL7 + "group-type", (
        "person", "animal", "practitioner", "device", "medication", "substance")),
    _HL7 + "ValueSet/address-use": (_HL7 + "address-use", (
        "home", "work", "temp", "old", "billing")),
    _HL7 + "ValueSet/address-type": (_HL7 + "address-type", ("postal", "physical", "both")),
    _HL7 + "ValueSet/name-use": (_HL7 + "name-use", (
        "usual", "official", "temp", "nickname", "anonymous", "old", "maiden")),
    _HL7 + "ValueSet/contact-point-system": (_HL7 + "contact-point-system", (
        "phone", "fax", "email", "pager", "url", "sms", "other")),
    _HL7 + "ValueSet/contact-point-use": (_HL7 + "contact-point-use", (
        "home", "work", "temp", "old", "mobile")),
    _HL7 + "ValueSet/quantity-comparator": (_HL7 + "quantity-comparator", (
        "<", "<=", ">=", ">")),
    _HL7 + "ValueSet/http-verb": (_HL7 + "http-verb", (
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")),
    _HL7 + "ValueSet/link-type": (_HL7 + "link-type", (
        "replaced-by", "replaces", "refer", "seealso")),
    _HL7 + "ValueSet/search-entry-mode": (_HL7 + "search-entry-mode", (
        "match", "include", "outcome")),
    _HL7 + "ValueSet/request-priority": (_HL7 + "request-priority", (
        "routine", "urgent", "asap", "stat")),
    _HL7 + "ValueSet/medicationrequest-category": (
        _THO + "medicationrequest-category", ("inpatient", "outpatient", "community",
                                              "discharge")),
}
