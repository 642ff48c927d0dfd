// The desk's closed lists the screens need at once (to label and to offer), with the same ids as
// the server's (desk/desk.h). GET /desk/vocabulary serves them too; tests/desk.spec.ts checks
// that every list here is the server's, so that a value added there cannot be missing here.
export const lists = {
  contactKinds: ["data", "silent", "hang_up", "abusive", "info_only", "wrong_number", "test"],
  callerRoles: ["survivor", "relative", "witness", "professional", "other"],
  sexes: ["female", "male", "other", "unknown"],
  policeStatuses: ["not_reported", "reported_not_registered", "registered", "refused", "unknown"],
  precisions: ["hour", "day", "month", "unknown"],
  conducts: ["negligence", "inaction", "abuse", "dismissed_report", "extortion", "other"],
  filedWith: ["internal_security", "prosecutor", "court", "ombudsman", "other"],
  complaintOutcomes: ["pending", "disciplinary", "dismissal", "criminal_case", "rejected"],
  referralOutcomes: ["pending", "received", "declined", "refused", "unreachable"],
  documentStatuses: ["obtained", "requested", "refused", "unknown"],
  pubChannels: ["website", "instagram", "facebook", "telegram", "youtube", "tiktok", "x", "press", "other"],
  pubChanges: ["correction", "disclaimer", "archival", "retraction"],
  sentenceKinds: ["imprisonment", "restricted_liberty", "suspended", "fine", "other"],
  docketEvents: ["opened", "qualified_as_suspect", "interrupted", "terminated", "reopened", "suspended_by_court", "resumed",
    "acquitted", "convicted", "wanted_list", "extradition_request", "entry_ban", "accounts_frozen", "donors_data_requested",
    "file_access_refused", "summons", "hearing", "other"],
} as const;
