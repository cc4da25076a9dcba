package rules

// Finding codes of the trace checks. Each names one sentence of a check's
// detail; its parameters are the values the sentence prints. Codes built
// from a status ("reference_" + sealed|revoked, "certificate_" +
// revoked|superseded, "reference_certificate_" + revoked|superseded) are
// listed too.
const (
	// certificate_valid
	FindingNoCertificate        = "no_certificate"         // subject_id, date
	FindingCertificateValid     = "certificate_valid"      // certificate_id, performed_on, valid_until, date
	FindingCertificateRevoked   = "certificate_revoked"    // certificate_id, status, reason, superseded_by, date
	FindingCertificateSupersede = "certificate_superseded" // certificate_id, status, reason, superseded_by, date
	FindingCertificateExpired   = "certificate_expired"    // certificate_id, valid_until, date
	FindingCertificateNotYet    = "certificate_not_yet"    // certificate_id, performed_on, date

	// reference_active_at_use
	FindingReferenceMissing = "reference_missing" // reference_id (none in reaches_primary)
	FindingReferenceActive  = "reference_active"  // reference_id, used_on
	FindingReferenceSealed  = "reference_sealed"  // reference_id, status, since, reason, used_on
	FindingReferenceRevoked = "reference_revoked" // reference_id, status, since, reason, used_on

	// reference_certificate_valid_at_use
	FindingReferencePrimary               = "reference_primary"                // reference_id (also reaches_primary)
	FindingReferenceUncertified           = "reference_uncertified"            // reference_id
	FindingReferenceCertificateValid      = "reference_certificate_valid"      // reference_id, certificate_id, performed_on, valid_until, used_on
	FindingReferenceCertificateLater      = "reference_certificate_later"      // reference_id, used_on, certificate_id, performed_on
	FindingReferenceCertificateRevoked    = "reference_certificate_revoked"    // reference_id, certificate_id, status, reason, used_on
	FindingReferenceCertificateSuperseded = "reference_certificate_superseded" // reference_id, certificate_id, status, reason, used_on
	FindingReferenceCertificateExpired    = "reference_certificate_expired"    // reference_id, certificate_id, valid_until, used_on

	// approval_valid_at_use
	FindingApprovalValid     = "approval_valid"      // reference_id, number, valid_until, used_on
	FindingApprovalExpired   = "approval_expired"    // reference_id, number, valid_until, used_on
	FindingApprovalMissing   = "approval_missing"    // reference_id, level
	FindingApprovalNotNeeded = "approval_not_needed" // reference_id, level

	// issuer_capable
	FindingNoCMC            = "no_cmc"             // issuer_id, quantity, date
	FindingCMCCovers        = "cmc_covers"         // issuer_id, capability_id, quantity, date
	FindingResultWithinCMC  = "result_within_cmc"  // value, unit, capability_id, range, uncertainty
	FindingResultNotCovered = "result_not_covered" // value, unit, certificate_id, reasons (a count n), and for i < n reason.<i> (a Cover… code) with its parameters suffixed .<i>

	// uncertainty_ratio
	FindingSubjectNoMPE      = "subject_no_mpe"     // subject_id
	FindingUnitsIncompatible = "units_incompatible" // of (a Units… code), reference_id, subject_id or value, unit; from, to, from_measures, to_measures
	FindingVerificationRatio = "verification_ratio" // reference_id, u, unit, limit, subject_id, ratio
	FindingCalibrationRatio  = "calibration_ratio"  // reference_id, u, unit, value, stated

	// no_cycle
	FindingReferenceOnPath    = "reference_on_path"     // reference_id, path
	FindingReferenceNotOnPath = "reference_not_on_path" // reference_id

	// reaches_primary
	FindingReferenceReachesPrimary = "reference_reaches_primary" // reference_id
	FindingReferenceDeadEnd        = "reference_dead_end"        // reference_id, level
	FindingAllOnCycle              = "all_on_cycle"              // none

	// any check of a certificate without reference standards
	FindingNoReference = "no_reference" // none

	// recognition: agreement_in_force
	FindingNoAgreement          = "no_agreement"           // issuer_id, by
	FindingAgreementInForce     = "agreement_in_force"     // agreement_id, parties, date, quantity
	FindingAgreementNotCovering = "agreement_not_covering" // agreement_id, quantity, covers
	FindingAgreementNotApproved = "agreement_not_approved" // agreement_id, missing
	FindingAgreementNotValid    = "agreement_not_valid"    // agreement_id, valid_from, valid_until, performed_on

	// recognition: issuer_accredited
	FindingAccreditationNotRequired = "accreditation_not_required" // agreement_id
	FindingAccredited               = "accredited"                 // issuer_id, scheme, number, quantity, valid_until
	FindingNotAccredited            = "not_accredited"             // issuer_id, quantity, date

	// recognition: comparison_satisfactory
	FindingComparisonNotRequired = "comparison_not_required" // agreement_id
	FindingComparisonEN          = "comparison_en"           // comparison_id, completed_on, en
	FindingComparisonTooOld      = "comparison_too_old"      // quantity, issuer_id, comparison_id, completed_on, years, performed_on
	FindingNoComparison          = "no_comparison"           // issuer_id, quantity, date

	// recognition: traceable (a failing one is followed by the trace's
	// failing findings)
	FindingSubjectTraceable    = "subject_traceable"     // subject_id, date, links
	FindingSubjectNotTraceable = "subject_not_traceable" // subject_id, date
)
